using System.Globalization;
using Para.Accounts.Storage;

namespace Para.Accounts.Tests.Storage;

/// <summary>
/// The test assembly's entry point, used only as a child process: <c>write-tokens DIR PASSWORD ID</c>
/// writes token set 1, 2, 3, ... to one account as fast as it can until it is killed.
/// </summary>
public static class StoreWriterProgram
{
    public static int Main(string[] args)
    {
        if (args is ["refresh-all", var folder, var secret, var durable])
        {
            return RefreshAll(folder, secret, durable == "durable");
        }

        if (args is not ["write-tokens", var directory, var password, var accountId])
        {
            Console.Error.WriteLine("usage: write-tokens DIR PASSWORD ACCOUNT_ID");
            return 2;
        }

        using var store = AccountStore.Open(directory, password);
        for (var generation = 1L; ; generation++)
        {
            store.ReplaceTokens(accountId, TokenSet(generation), apiKey: null, providerAccount: null);
            if (generation % 50 == 0)
            {
                Console.Out.WriteLine(generation.ToString(CultureInfo.InvariantCulture));
                Console.Out.Flush();
            }
        }
    }

    /// <summary>
    /// Plays a refresh of every account, in list order: each stored generation-1 token set becomes
    /// generation 2, written as the token manager writes it, and the account's name is printed once
    /// the write returned. Then it waits to be killed.
    /// </summary>
    private static int RefreshAll(string directory, string password, bool durable)
    {
        using var store = AccountStore.Open(directory, password);
        foreach (var account in store.List())
        {
            store.CompareAndSetTokens(account.Id, "refresh-1", TokenSet(2), 2);
            if (durable)
            {
                store.MakeDurable();
            }

            Console.Out.WriteLine(account.Name);
            Console.Out.Flush();
        }

        Thread.Sleep(Timeout.Infinite);
        return 0;
    }

    /// <summary>Every field carries the generation, so a mixed set is visible at once.</summary>
    internal static OAuthTokens TokenSet(long generation) => new()
    {
        AccessToken = $"access-{generation}",
        RefreshToken = $"refresh-{generation}",
        ExpiresAtMs = generation,
        TokenType = $"Bearer-{generation}",
        Scope = $"scope-{generation}",
        RefreshTokenIssuedAtMs = generation,
    };
}
