using Microsoft.Extensions.Options;

namespace ConntrackWatch.Configuration;

[OptionsValidator]
internal sealed partial class MetricsOptionsValidator : IValidateOptions<MetricsOptions>;
