using Para.Contracts;
using Para.Hosting;

namespace Para.IntegrationTests;

/// <summary>The AppHost's real resource graph, started headless in its own data folder.</summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "para-it-" + Guid.NewGuid().ToString("N"));

    public DistributedApplication App { get; private set; } = null!;

    public string DataDirectory => _dataDirectory;

    public async Task InitializeAsync()
    {
        App = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Para_AppHost>(options => options.DataDirectory = _dataDirectory);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await App.StartAsync(timeout.Token);
        await App.WaitForResourceHealthyAsync(ServiceNames.Accounts, timeout.Token);
        await App.WaitForResourceHealthyAsync(ServiceNames.ContainerAuth, timeout.Token);
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A log file still closing; the temp folder is cleaned by the OS.
        }
    }
}
