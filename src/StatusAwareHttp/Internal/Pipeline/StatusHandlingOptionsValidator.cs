using Microsoft.Extensions.Options;

namespace StatusAwareHttp.Internal;

/// <summary>Checks the data annotations of <see cref="StatusHandlingOptions"/> and its sections (source-generated).</summary>
[OptionsValidator]
internal sealed partial class StatusHandlingOptionsValidator : IValidateOptions<StatusHandlingOptions>
{
}
