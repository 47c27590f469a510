using Microsoft.Extensions.Options;

namespace ConntrackWatch.Configuration;

[OptionsValidator]
internal sealed partial class JournaldOptionsValidator : IValidateOptions<JournaldOptions>;
