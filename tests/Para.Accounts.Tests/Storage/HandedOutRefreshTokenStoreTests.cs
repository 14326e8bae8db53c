using Para.Accounts.Storage;

namespace Para.Accounts.Tests.Storage;

/// <summary>Whether an account's refresh token was handed out is kept with the account, in the real encrypted file.</summary>
public sealed class HandedOutRefreshTokenStoreTests : IDisposable
{
    private const string Password = "store-test-password";
    private readonly string _directory = Directory.CreateTempSubdirectory("para-store-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    [Fact]
    public void A_handed_out_refresh_token_is_remembered_across_a_restart_and_written_once()
    {
        string id;
        using (var store = AccountStore.Open(_directory, Password))
        {
            id = store.Insert(AccountStoreTests.Account("out", "a")).Id;
            var first = store.MarkRefreshTokenHandedOut(id, 1000)!.Value;
            var second = store.MarkRefreshTokenHandedOut(id, 2000)!.Value;

            Assert.True(first.Written);
            Assert.False(second.Written);
            Assert.Equal("refresh-a", second.Account.Tokens!.RefreshToken);
            store.MakeDurable();
        }

        using (var reopened = AccountStore.Open(_directory, Password))
        {
            Assert.Equal(1000, reopened.Find(id)!.RefreshTokenHandedOutAtMs);
            Assert.Null(reopened.MarkRefreshTokenHandedOut("no-such-account", 3000));
        }
    }

    [Fact]
    public void Paras_own_refresh_and_a_new_sign_in_clear_it_and_tokens_adopted_from_a_holder_keep_it()
    {
        using var store = AccountStore.Open(_directory, Password);
        var id = store.Insert(AccountStoreTests.Account("out", "a")).Id;

        store.MarkRefreshTokenHandedOut(id, 1000);
        Assert.Equal(TokenWriteOutcome.Written, store.CompareAndSetTokens(id, "refresh-a", StoreWriterProgram.TokenSet(2), 1500));
        Assert.Null(store.Find(id)!.RefreshTokenHandedOutAtMs);

        Assert.Equal(TokenWriteOutcome.Written, store.CompareAndSetTokens(id, "refresh-2", StoreWriterProgram.TokenSet(3), 1600, heldOutside: true));
        Assert.Equal(1600, store.Find(id)!.RefreshTokenHandedOutAtMs);

        store.ReplaceTokens(id, StoreWriterProgram.TokenSet(4), apiKey: null, providerAccount: null);
        Assert.Null(store.Find(id)!.RefreshTokenHandedOutAtMs);
    }
}
