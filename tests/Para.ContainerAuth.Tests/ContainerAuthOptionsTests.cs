using Microsoft.Extensions.Options;
using Para.ContainerAuth.Tests.Infrastructure;

namespace Para.ContainerAuth.Tests;

[Collection(DockerCollection.Name)]
public sealed class ContainerAuthOptionsTests(DockerFixture docker)
{
    [Theory]
    [InlineData("Para:ContainerAuth:MaxParallelism", "0", "MaxParallelism")]
    [InlineData("Para:ContainerAuth:AuthenticatedImage", "para-t-same:latest", "must differ")]
    [InlineData("Para:Docker:Endpoint", "not a uri", "Para:Docker:Endpoint")]
    [InlineData("Para:ContainerAuth:AutoReauthImagesDelay", "00:00:00", "Para:ContainerAuth:AutoReauthImagesDelay")]
    public async Task Invalid_settings_stop_the_service_at_start_and_name_the_setting(string key, string value, string named)
    {
        await using var host = docker.CreateHost(settings =>
        {
            settings[key] = value;
            settings["Para:ContainerAuth:BaseImage"] = key.EndsWith("AuthenticatedImage", StringComparison.Ordinal) ? value : settings["Para:ContainerAuth:BaseImage"];
        });

        var error = Assert.ThrowsAny<OptionsValidationException>(() => host.CreateClient());

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
