using Microsoft.Extensions.Options;

namespace StatusAwareHttp.Caching.Distributed.Internal;

/// <summary>Checks the data annotations of <see cref="DistributedHttpCacheOptions"/> (source-generated).</summary>
[OptionsValidator]
internal sealed partial class DistributedHttpCacheOptionsValidator : IValidateOptions<DistributedHttpCacheOptions>
{
}
