using Para.Hosting;

namespace Para.Hosting.Tests;

public sealed class ResourceTableTests
{
    [Fact]
    public void Table_lists_name_state_url_and_health_in_aligned_columns()
    {
        var text = ResourceTable.Format(
        [
            new ResourceSnapshot("accounts", ResourceState.Running, ResourceHealth.Healthy, new Uri("http://127.0.0.1:5001"), 42, 0, null),
            new ResourceSnapshot("container-auth", ResourceState.Waiting, ResourceHealth.Unknown, null, null, 0, null),
        ]);

        var lines = text.Split('\n').Select(line => line.TrimEnd('\r')).ToArray();
        Assert.Equal("NAME            STATE    URL                    HEALTH", lines[0]);
        Assert.Equal("accounts        Running  http://127.0.0.1:5001  Healthy", lines[1]);
        Assert.Equal("container-auth  Waiting  -                      Unknown", lines[2]);
    }
}
