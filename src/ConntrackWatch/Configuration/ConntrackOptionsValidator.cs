using Microsoft.Extensions.Options;

namespace ConntrackWatch.Configuration;

/// <summary>Source-generated, reflection-free validation of <see cref="ConntrackOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class ConntrackOptionsValidator : IValidateOptions<ConntrackOptions>;
