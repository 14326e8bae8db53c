using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Para.Client;
using Para.Contracts.Gateway;

namespace Para.Tui.Cli;

/// <summary>
/// <c>para gateway keys add NAME | list | revoke NAME</c> and <c>para gateway status</c>. Keys live in
/// the account API (hashed); a new key is printed once, by <c>add</c>, and never again.
/// </summary>
internal static class GatewayCommands
{
    public static Command Create(CliConsole console)
    {
        var gateway = new Command("gateway", "The gateway Claude Code talks to: its client keys and its numbers.");
        var keys = new Command("keys", "Gateway keys: what clients send instead of a provider credential.");

        var addName = new Argument<string>("NAME") { Description = "Who the key is for (letters, digits, '.', '_', '-')." };
        var add = new Command("add", "Create a key; it is shown this once (set it as ANTHROPIC_AUTH_TOKEN).") { addName };
        add.SetAction((parse, cancellationToken) => RunAsync(console, async services =>
        {
            var created = await services.GetRequiredService<IAccountsApi>().AddGatewayKeyAsync(new AddGatewayKeyRequest(parse.GetValue(addName)!), cancellationToken);
            console.Out.WriteLine(created.Key);
            console.Error.WriteLine($"para: gateway key '{created.Name}' created ({created.Fingerprint}); it is shown only now.");
            return 0;
        }));
        keys.Subcommands.Add(add);

        var list = new Command("list", "Every key: name, fingerprint, created (never the key).");
        list.SetAction((_, cancellationToken) => RunAsync(console, async services =>
        {
            var all = await services.GetRequiredService<IAccountsApi>().ListGatewayKeysAsync(cancellationToken);
            if (all.Count == 0)
            {
                console.Out.WriteLine("No gateway keys yet: para gateway keys add NAME");
                return 0;
            }

            console.Out.WriteLine($"{"NAME",-24} {"FINGERPRINT",-20} CREATED");
            foreach (var key in all)
            {
                console.Out.WriteLine($"{key.Name,-24} {key.Fingerprint,-20} {key.CreatedAt.ToString("u", CultureInfo.InvariantCulture)}");
            }

            return 0;
        }));
        keys.Subcommands.Add(list);

        var revokeName = new Argument<string>("NAME") { Description = "The key's name (or id)." };
        var revoke = new Command("revoke", "Revoke a key; every gateway refuses it moments later.") { revokeName };
        revoke.SetAction((parse, cancellationToken) => RunAsync(console, async services =>
        {
            var name = parse.GetValue(revokeName)!;
            await services.GetRequiredService<IAccountsApi>().RevokeGatewayKeyAsync(name, cancellationToken);
            console.Out.WriteLine($"Gateway key '{name}' revoked");
            return 0;
        }));
        keys.Subcommands.Add(revoke);
        gateway.Subcommands.Add(keys);

        var status = new Command("status", "Requests, retries after a refresh, failovers, and accounts resting at a limit.");
        status.SetAction((_, cancellationToken) => RunAsync(console, async services =>
        {
            var numbers = await services.GetRequiredService<IGatewayApi>().GetStatusAsync(cancellationToken);
            console.Out.WriteLine($"requests        {numbers.Requests}");
            console.Out.WriteLine($"retries         {numbers.Retries}");
            console.Out.WriteLine($"failovers       {numbers.Failovers}");
            console.Out.WriteLine($"refused         {numbers.Rejected}");
            console.Out.WriteLine($"account feed    {(numbers.AccountFeedConnected ? "connected" : "not connected")}");
            foreach (var resting in numbers.Resting)
            {
                console.Out.WriteLine($"resting         {resting.AccountId} until {resting.Until.ToString("u", CultureInfo.InvariantCulture)}");
            }

            foreach (var limits in numbers.Limits ?? [])
            {
                console.Out.WriteLine(
                    $"limits          {limits.AccountId} 5h {Percent(limits.FiveHourUtilization)} (resets {Time(limits.FiveHourReset)}), "
                    + $"7d {Percent(limits.SevenDayUtilization)} (resets {Time(limits.SevenDayReset)}), "
                    + $"provider {(limits.ProviderAccepts switch { true => "accepts the token", false => "refuses the token", null => "not asked yet" })}");
            }

            return 0;
        }));
        gateway.Subcommands.Add(status);
        return gateway;
    }

    private static string Percent(double? fraction) => fraction is { } value ? value.ToString("P0", CultureInfo.InvariantCulture) : "?";

    private static string Time(DateTimeOffset? at) => at?.ToString("u", CultureInfo.InvariantCulture) ?? "?";

    private static async Task<int> RunAsync(CliConsole console, Func<IServiceProvider, Task<int>> action)
    {
        try
        {
            using var host = ParaServices.Build();
            return await action(host.Services);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return console.Fail(ServiceErrors.Describe(exception));
        }
    }
}
