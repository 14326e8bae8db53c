extern alias containerauth;

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Para.Contracts.Credentials;
using Para.ServiceDefaults.Security;

namespace Para.Accounts.Tests.Infrastructure;

/// <summary>
/// The account API and container-auth as two real services on 127.0.0.1 that reach each other the
/// way the AppHost wires them (service discovery addresses, one admin key), container-auth with
/// the opt-in refresh token, on the real engine. Containers are run from the test image with a
/// random name prefix and removed at the end.
/// </summary>
public sealed class HolderServices : IAsyncDisposable
{
    public const string CredentialsPath = "/root/.claude/.credentials.json";

    private readonly List<string> _containers = [];

    private HolderServices(AccountsApiFactory accounts, ContainerAuthFactory containerAuth, string prefix)
    {
        Accounts = accounts;
        ContainerAuth = containerAuth;
        Prefix = prefix;
    }

    public AccountsApiFactory Accounts { get; }

    public ContainerAuthFactory ContainerAuth { get; }

    public string Prefix { get; }

    public static HolderServices Start(OAuthServerFixture oauth)
    {
        var prefix = $"para-h{Guid.NewGuid().ToString("n")[..6]}-";
        var containerAuthPort = FreePort();
        var accounts = new AccountsApiFactory(oauth);
        accounts.Settings["services:container-auth:http:0"] = $"http://127.0.0.1:{containerAuthPort}";
        var accountsAddress = accounts.StartOnKestrel();
        var containerAuth = new ContainerAuthFactory(containerAuthPort, new Dictionary<string, string?>
        {
            [AdminKeyAuthentication.AdminKeyConfigurationKey] = AccountsApiFactory.AdminKey,
            ["Para:Client:AdminKey"] = AccountsApiFactory.AdminKey,
            [ParaDataDirectory.EnvironmentVariable] = accounts.DataDirectory,
            ["services:accounts:http:0"] = accountsAddress.ToString().TrimEnd('/'),
            ["Para:ContainerAuth:NamePrefix"] = prefix,
            ["Para:ContainerAuth:BaseImage"] = $"{prefix}claude:latest",
            ["Para:ContainerAuth:AuthenticatedImage"] = $"{prefix}authenticated:latest",
            ["Para:ContainerAuth:IncludeRefreshToken"] = "true",
        });
        containerAuth.Start();
        return new HolderServices(accounts, containerAuth, prefix);
    }

    /// <summary>A long-running container of the account, as a session started from an image Para wrote would be.</summary>
    public string RunContainer(string name, string account)
    {
        var container = Prefix + name;
        Docker("run", "-d", "--pull", "never", "--network", "none", "--label", $"para.account={account}", "--name", container, "para-test-base:latest", "/bin/sleep", "600");
        _containers.Add(container);
        return container;
    }

    public static ClaudeAiOauth ReadCredentials(string container) =>
        JsonSerializer.Deserialize<ClaudeCredentialsFile>(Docker("exec", container, "cat", CredentialsPath))!.ClaudeAiOauth;

    /// <summary>What Claude Code does after refreshing by itself: its new tokens into its own credentials file.</summary>
    public static void WriteCredentials(string container, ClaudeAiOauth tokens) =>
        DockerWithInput(JsonSerializer.Serialize(new ClaudeCredentialsFile(tokens)), "exec", "-i", container, "sh", "-c", $"umask 077 && cat > {CredentialsPath}");

    public HttpClient CreateContainerAuthClient()
    {
        var client = ContainerAuth.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AccountsApiFactory.AdminKey);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var container in _containers)
        {
            try
            {
                Docker("rm", "-f", container);
            }
            catch (InvalidOperationException)
            {
                // Best effort; the next run's names differ.
            }
        }

        await ContainerAuth.DisposeAsync();
        await Accounts.DisposeAsync();
    }

    /// <summary>A port nothing listens on now: container-auth's, known before the account API starts.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Docker(params string[] arguments) => DockerWithInput(null, arguments);

    private static string DockerWithInput(string? input, params string[] arguments)
    {
        var start = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("docker did not start.");
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }

        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output.Trim() : throw new InvalidOperationException($"docker {arguments[0]} failed: {error.Trim()}");
    }
}

/// <summary>Container-auth on a fixed 127.0.0.1 port, with every log line captured.</summary>
public sealed class ContainerAuthFactory(int port, Dictionary<string, string?> settings) : WebApplicationFactory<containerauth::Program>
{
    public LogCapture Logs { get; } = new();

    public void Start()
    {
        UseKestrel(options => options.Listen(IPAddress.Loopback, port));
        StartServer();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
    }
}
