using Microsoft.Extensions.Options;

namespace ConntrackWatch.Metrics;

[OptionsValidator]
internal sealed partial class MetricsOptionsValidator : IValidateOptions<MetricsOptions>;
