using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Para.Accounts.Tests.Infrastructure;

namespace Para.IntegrationTests.Infrastructure;

/// <summary>
/// What the AppHost's launch profile gives <c>dotnet run</c>, with every port picked free here so a
/// developer's own running Para is never in the way; and its own data folder.
/// </summary>
public sealed record AppHostLaunch(string DataDirectory, int AccountsPort, int ContainerAuthPort, int GatewayPort, IReadOnlyDictionary<string, string> Environment)
{
    public static AppHostLaunch Create()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("para-apphost-").FullName;
        var (accounts, containerAuth, gateway) = (FreePort(), FreePort(), FreePort());
        return new AppHostLaunch(dataDirectory, accounts, containerAuth, gateway, new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://localhost:{FreePort()}",
            ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://localhost:{FreePort()}",
            ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://localhost:{FreePort()}",
            ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["PARA_DATA_DIR"] = dataDirectory,
            ["Para__Ports__accounts"] = accounts.ToString(CultureInfo.InvariantCulture),
            ["Para__Ports__container-auth"] = containerAuth.ToString(CultureInfo.InvariantCulture),
            ["Para__Ports__gateway"] = gateway.ToString(CultureInfo.InvariantCulture),
        });
    }

    /// <summary>This launch with more variables for the AppHost, which its services inherit (through DCP).</summary>
    public AppHostLaunch With(IReadOnlyDictionary<string, string> variables)
    {
        var merged = new Dictionary<string, string>(Environment);
        foreach (var (name, value) in variables)
        {
            merged[name] = value;
        }

        return this with { Environment = merged };
    }

    /// <summary>The services sign accounts in against <paramref name="oauth"/> instead of the provider.</summary>
    public static IReadOnlyDictionary<string, string> OAuthEnvironment(OAuthServerFixture oauth) => new Dictionary<string, string>
    {
        ["Para__OAuth__MaxAuthorizeUrl"] = oauth.AuthorizeUrl.ToString(),
        ["Para__OAuth__ConsoleAuthorizeUrl"] = oauth.AuthorizeUrl.ToString(),
        ["Para__OAuth__TokenUrl"] = oauth.TokenUrl.ToString(),
        ["Para__OAuth__RedirectUri"] = oauth.RedirectUri.ToString(),
        ["Para__OAuth__ClientId"] = OAuthServerFixture.ClientId,
        ["Para__OAuth__TokenRequestEncoding"] = "Form",
        ["Para__OAuth__ApiKeyUrl"] = oauth.ApiKeyUrl.ToString(),
    };

    /// <summary>
    /// Processes whose environment names this data folder: the services, and DCP and the
    /// dashboard, which inherit the AppHost's environment (DCP detaches, so they are not all its children).
    /// </summary>
    public IReadOnlyList<int> ProcessesUsingTheDataFolder(int? except = null)
    {
        var marker = $"PARA_DATA_DIR={DataDirectory}\0";
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || pid == except)
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(directory, "environ")).Contains(marker, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }

        return found;
    }

    public void DeleteDataFolder()
    {
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A log file still closing; the temp folder is cleaned by the OS.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
