using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Para.Accounts.Tests.Infrastructure;
using Para.Client;
using Para.Contracts.Accounts;
using Para.Contracts.Gateway;
using Para.Gateway.Tests.Infrastructure;
using Para.IntegrationTests.Infrastructure;

namespace Para.IntegrationTests;

/// <summary>
/// One headless AppHost, started as a user starts it, shared by the tests below; its services sign
/// accounts in against an in-test OAuth server, and a test provider answers on 127.0.0.1.
/// </summary>
public sealed class HeadlessAppHostFixture : IAsyncLifetime
{
    public OAuthServerFixture OAuth { get; } = new();

    /// <summary>Stands in for the provider: it takes any credential, the in-test OAuth server issued them all.</summary>
    public FakeUpstream Upstream { get; } = new() { IsCurrent = _ => true };

    public HeadlessAppHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await OAuth.InitializeAsync();
        await Upstream.InitializeAsync();
        var environment = new Dictionary<string, string>(AppHostLaunch.OAuthEnvironment(OAuth))
        {
            // Usage polling off: it would ask the provider's host, and nothing here leaves loopback.
            ["Para__Gateway__UsageUrl"] = "",
        };
        Host = await HeadlessAppHost.StartAsync(AppHostLaunch.Create().With(environment));
    }

    public async Task DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        await Upstream.DisposeAsync();
        await OAuth.DisposeAsync();
    }
}

public sealed class DashboardInBrowserTests(HeadlessAppHostFixture fixture) : IClassFixture<HeadlessAppHostFixture>
{
    /// <summary>Debian's chromium, which <c>.ci/run</c> installs; a browser is never downloaded.</summary>
    private static readonly string ChromiumPath = Environment.GetEnvironmentVariable("PARA_CHROMIUM") ?? "/usr/bin/chromium";

    private HeadlessAppHost Host => fixture.Host;

    [Fact]
    public async Task Headless_run_prints_the_dashboard_login_url_and_each_service_on_its_configured_port()
    {
        Assert.Matches(@"para: all services healthy in \d+\.\d s\. Ctrl\+C stops everything\.", Host.Output);
        Assert.Matches(@"^http://localhost:\d+/login\?t=[0-9a-f]+$", Host.PrintedUrl("dashboard"));
        Assert.Equal($"http://localhost:{Host.AccountsPort}", Host.PrintedUrl("accounts"));
        Assert.Equal($"http://localhost:{Host.ContainerAuthPort}", Host.PrintedUrl("container-auth"));
        Assert.Equal($"http://localhost:{Host.GatewayPort}", Host.PrintedUrl("gateway"));
        Assert.Equal(Host.DataDirectory, Host.PrintedUrl("data folder"));

        using var http = new HttpClient();
        using var ready = await http.GetAsync(new Uri($"{Host.PrintedUrl("accounts")}/ready"));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task The_dashboard_logs_in_shows_every_service_running_and_healthy_and_lists_paras_commands()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchChromiumAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 640 } });

        await LogInAndWaitForEveryServiceAsync(page);
        await SaveScreenshotAsync(page, "dashboard.png");

        var accountsRow = page.GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions { HasText = "accounts" }).First;
        await accountsRow.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Actions" }).ClickAsync();
        var reauthenticate = page.GetByRole(AriaRole.Menuitem, new PageGetByRoleOptions { Name = "Re-authenticate account…" });
        await Assertions.Expect(reauthenticate).ToBeVisibleAsync();

        await CloseMenuAsync(reauthenticate);
        var containerAuthRow = page.GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions { HasText = "container-auth" }).First;
        await containerAuthRow.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Actions" }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new PageGetByRoleOptions { Name = "Clean up temporary containers" }).ClickAsync();
        await Assertions.Expect(page.GetByText("\"Clean up temporary containers\" succeeded")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 30_000 });
    }

    /// <summary>
    /// Escape on the open menu, until it is gone: pressed before the menu took focus it goes to the
    /// page, and the still open menu would lie over the next row's Actions button.
    /// </summary>
    private static async Task CloseMenuAsync(ILocator menuItem)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await menuItem.PressAsync("Escape", new LocatorPressOptions { Timeout = 5_000 });
                await Assertions.Expect(menuItem).ToBeHiddenAsync(new LocatorAssertionsToBeHiddenOptions { Timeout = 5_000 });
                return;
            }
            catch (Exception failed) when (failed is PlaywrightException or TimeoutException && attempt < 5)
            {
                if (!await menuItem.IsVisibleAsync())
                {
                    return; // it closed between the press and the look
                }
            }
        }
    }

    [Fact]
    public async Task A_request_through_the_gateway_shows_in_the_dashboards_traces_as_a_span_naming_its_account()
    {
        const string account = "traced-account";
        using var clients = Host.CreateClients();
        var accounts = clients.GetRequiredService<IAccountsApi>();
        var begin = await accounts.AddAccountAsync(new AddAccountRequest(account));
        await accounts.CompleteOAuthAsync(new CompleteOAuthRequest(begin.State, await fixture.OAuth.SignInAsync(begin.AuthorizeUrl), account));
        await accounts.UpdateAccountAsync(account, new UpdateAccountRequest(CustomEndpoint: fixture.Upstream.BaseAddress.ToString()));
        var key = await accounts.AddGatewayKeyAsync(new AddGatewayKeyRequest("traced-client"));

        // What Claude Code sends with ANTHROPIC_BASE_URL on the gateway and ANTHROPIC_AUTH_TOKEN its key.
        using var http = new HttpClient();
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri($"{Host.PrintedUrl("gateway")}/v1/messages"))
        {
            Content = JsonContent.Create(new { model = "claude-test", max_tokens = 16, messages = new[] { new { role = "user", content = "Hello" } } }),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key.Key);
        message.Headers.Add("anthropic-version", "2023-06-01");
        using var answer = await http.SendAsync(message);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains(fixture.Upstream.Seen, seen => seen.Path == "/v1/messages" && seen.Status == 200);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchChromiumAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        await LogInAndWaitForEveryServiceAsync(page);

        await page.GotoAsync(new Uri(new Uri(Host.PrintedUrl("dashboard")), "/traces").ToString());
        // The services export spans in batches (every few seconds); the list fills in live.
        var trace = page.GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions { HasText = "gateway" }).Filter(new LocatorFilterOptions { HasText = "/v1/" }).First;
        await Assertions.Expect(trace).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 60_000 });
        await trace.GetByText("/v1/").First.ClickAsync();

        var span = page.GetByText("gateway forward").First;
        await Assertions.Expect(span).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 30_000 });
        await span.ClickAsync();
        // The span's details: its attributes, one row each, the account among them.
        var accountAttribute = page.GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions { HasText = "para.account.name" });
        await Assertions.Expect(accountAttribute).ToContainTextAsync(account);
        await SaveScreenshotAsync(page, "dashboard-traces.png");
    }

    private static async Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright)
    {
        Assert.True(File.Exists(ChromiumPath), $"No browser at {ChromiumPath}: install Debian's chromium (.ci/run does) or set PARA_CHROMIUM.");
        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Without these Chromium reaches for Google's hosts; only loopback is allowed here.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>The login URL the AppHost printed, then the resources page once every service runs and is healthy.</summary>
    private async Task LogInAndWaitForEveryServiceAsync(IPage page)
    {
        await page.GotoAsync(Host.PrintedUrl("dashboard"));

        // Blazor renders after load: wait for the rows, not for the page.
        foreach (var service in new[] { "accounts", "container-auth", "gateway" })
        {
            var row = page.GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions { HasText = service });
            await Assertions.Expect(row.First).ToContainTextAsync("Running", new LocatorAssertionsToContainTextOptions { Timeout = 60_000 });
        }

        // Aspire marks a running resource whose health check fails as "(Unhealthy)"; give the checks time to pass.
        await Assertions.Expect(page.GetByText("Unhealthy")).ToHaveCountAsync(0, new LocatorAssertionsToHaveCountOptions { Timeout = 30_000 });
    }

    /// <summary>Into <c>PARA_SCREENS_DIR</c> (the README's picture comes from here), else beside the tests.</summary>
    private static async Task SaveScreenshotAsync(IPage page, string fileName)
    {
        var directory = Environment.GetEnvironmentVariable("PARA_SCREENS_DIR") ?? AppContext.BaseDirectory;
        var path = Path.Combine(directory, fileName);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path });
        Assert.True(new FileInfo(path).Length > 10_000, "the screenshot is empty");
    }
}

public sealed class HeadlessAppHostStopTests
{
    private static string ProcessTree()
    {
        using var ps = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("ps", "-e -o pid,ppid,stat,etime,args --forest") { RedirectStandardOutput = true })!;
        var text = ps.StandardOutput.ReadToEnd();
        ps.WaitForExit();
        return string.Join('\n', text.Split('\n').Where(line => line.Contains("AppHost", StringComparison.Ordinal) || line.Contains("Para.", StringComparison.Ordinal) || line.Contains("dcp", StringComparison.Ordinal)).Take(40));
    }

    private static bool IsParaService(int pid) => CommandLine(pid).Contains("/src/Para.", StringComparison.Ordinal);

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>Pid, state, parent and command line of a process, read from /proc.</summary>
    private static string Describe(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The fields after the command name, which is in parentheses and may hold spaces.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return $"{pid} state {fields[0]} parent {fields[1]}: {CommandLine(pid)}";
        }
        catch (IOException)
        {
            return $"{pid} (gone)";
        }
    }

    [Fact]
    public async Task Ctrl_c_stops_every_service_before_the_apphost_returns_so_a_new_run_gets_the_same_ports_at_once()
    {
        var launch = AppHostLaunch.Create();
        var host = await HeadlessAppHost.StartAsync(launch);
        try
        {
            // The services, and DCP and the dashboard, which inherit the AppHost's environment.
            Assert.True(host.ProcessesUsingTheDataFolder().Count >= 2);

            host.Interrupt();

            // A shell that starts this run in the background without job control makes its children
            // ignore SIGINT, the AppHost included: the process list below tells that case from a slow stop.
            Assert.True(await host.WaitForExitAsync(TimeSpan.FromSeconds(30)), $"the AppHost is still running:\n{ProcessTree()}\n{host.Output}");
            // Each stopped on its own, none killed: DCP kills whatever outlasts its grace period.
            Assert.Contains("para: accounts, container-auth, gateway stopped in ", host.Output, StringComparison.Ordinal);
            var services = host.ProcessesUsingTheDataFolder().Where(IsParaService).ToList();
            Assert.True(services.Count == 0, $"the AppHost returned before its services stopped:\n{string.Join('\n', services.Select(Describe))}");

            // DCP's own processes follow it out within a few seconds.
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (host.ProcessesUsingTheDataFolder().Count > 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }

            var left = host.ProcessesUsingTheDataFolder();
            Assert.True(left.Count == 0, $"still running 15 s after the AppHost exited:\n{string.Join('\n', left.Select(Describe))}\n{ProcessTree()}");

            // Ctrl+C, up-arrow, Enter: the same ports, the same data folder, no "port in use".
            await using var again = await HeadlessAppHost.StartAsync(launch);
            Assert.Equal(launch.AccountsPort, new Uri(again.PrintedUrl("accounts")).Port);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_port_another_program_holds_is_named_in_one_line_instead_of_a_hang()
    {
        var launch = AppHostLaunch.Create();
        using var squatter = new System.Net.Sockets.TcpListener(IPAddress.Loopback, launch.AccountsPort);
        squatter.Start();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => HeadlessAppHost.StartAsync(launch));

        Assert.Equal(
            $"para-apphost: port {launch.AccountsPort} for accounts is in use; is another Para running? Stop it, or choose other ports (README, Run).",
            failure.Message);
        launch.DeleteDataFolder();
    }
}
