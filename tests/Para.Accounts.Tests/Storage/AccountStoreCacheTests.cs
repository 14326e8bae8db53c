using System.Collections;
using System.Reflection;
using System.Text.Json;
using Para.Accounts.Storage;
using static Para.Accounts.Tests.Storage.AccountStoreTests;

namespace Para.Accounts.Tests.Storage;

/// <summary>
/// The store answers reads from memory: every write is seen by the next read, a refused write
/// changes nothing, nothing a caller holds can change the store, and the file agrees with memory.
/// </summary>
public sealed class AccountStoreCacheTests : IDisposable
{
    private const string Password = "cache-test-password";
    private readonly string _directory = Directory.CreateTempSubdirectory("para-store-cache-").FullName;
    private AccountStore _store;

    public AccountStoreCacheTests() => _store = AccountStore.Open(_directory, Password);

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void Every_write_is_seen_by_the_next_read()
    {
        var work = _store.Insert(Account("work", "a"));
        Assert.True(_store.NameExists("WORK"));
        Assert.Equal("work", Assert.Single(_store.List()).Name);

        _store.Update(work.Id, account => { account.Name = "office"; account.Priority = 4; });
        Assert.Equal("office", _store.Find("Office")!.Name);
        Assert.Null(_store.Find("work"));
        Assert.False(_store.NameExists("work"));

        _store.ReplaceTokens(work.Id, StoreWriterProgram.TokenSet(7), apiKey: "key-7", providerAccount: new ProviderAccount { EmailAddress = "me@example.test" });
        Assert.Equal("access-7", _store.Find(work.Id)!.Tokens!.AccessToken);
        Assert.Equal("me@example.test", _store.List()[0].ProviderAccount!.EmailAddress);

        Assert.Equal(TokenWriteOutcome.Written, _store.CompareAndSetTokens(work.Id, "refresh-7", StoreWriterProgram.TokenSet(8), refreshedAtMs: 88));
        Assert.Equal(("refresh-8", 88L), (_store.Find(work.Id)!.Tokens!.RefreshToken, _store.Find(work.Id)!.LastRefreshMs!.Value));

        Assert.Equal(TokenWriteOutcome.Written, _store.MarkRequiresReauth(work.Id, "refresh-8", "invalid_grant"));
        Assert.True(_store.List()[0].RequiresReauth);

        _store.RecordRequest(work.Id, new RequestRecord { TimestampMs = 5, Model = "m", StatusCode = 200 });
        Assert.Equal(1, _store.Find(work.Id)!.Usage.RequestCount);
        Assert.Equal(5, Assert.Single(_store.Find(work.Id)!.RequestHistory).TimestampMs);

        Assert.True(_store.Delete(work.Id));
        Assert.Empty(_store.List());
        Assert.Null(_store.Find(work.Id));
        Assert.False(_store.NameExists("office"));
        Assert.False(_store.Delete(work.Id));
    }

    [Fact]
    public void The_list_keeps_priority_then_name_order_through_renames_and_reprioritising()
    {
        var b = _store.Insert(Account("b", "1"));
        _store.Insert(Account("a", "2"));
        var c = _store.Insert(Account("C", "3"));

        Assert.Equal(["a", "b", "C"], _store.List().Select(account => account.Name));
        _store.Update(c.Id, account => account.Priority = -1);
        _store.Update(b.Id, account => account.Name = "0b");
        _store.RecordRequest(c.Id, new RequestRecord { TimestampMs = 1 });
        Assert.Equal(["C", "0b", "a"], _store.List().Select(account => account.Name));
    }

    [Fact]
    public void A_refused_write_leaves_every_read_as_it_was()
    {
        var work = _store.Insert(Account("work", "a"));
        var home = _store.Insert(Account("home", "b"));
        var before = Everything();

        Assert.Throws<DuplicateAccountNameException>(() => _store.Insert(Account("WORK", "c")));
        Assert.Throws<DuplicateAccountNameException>(() => _store.Update(home.Id, account => { account.Name = "Work"; account.Priority = 9; }));
        Assert.Throws<InvalidOperationException>(() => _store.Update(work.Id, account =>
        {
            account.Paused = true;
            throw new InvalidOperationException("a change that fails halfway");
        }));
        Assert.Equal(TokenWriteOutcome.Stale, _store.CompareAndSetTokens(work.Id, "not-the-refresh-token", StoreWriterProgram.TokenSet(9), 1));
        Assert.Equal(TokenWriteOutcome.NotFound, _store.MarkRequiresReauth("no-such-id", "x", "gone"));

        Assert.Equal(before, Everything());
        Assert.Equal("home", _store.Find(home.Id)!.Name);
        Assert.False(_store.Find(work.Id)!.Paused);
        Assert.Equal(0, _store.Find(home.Id)!.Priority);
        Assert.Equal(_store.Find(home.Id)!.Name, JsonDocument.Parse(_store.ReadDocumentJson(home.Id)).RootElement.GetProperty("Name").GetString());
    }

    [Fact]
    public void Records_handed_out_cannot_change_what_the_store_holds()
    {
        var inserted = Account("work", "a");
        var returned = _store.Insert(inserted);
        _store.RecordRequest(returned.Id, new RequestRecord { TimestampMs = 1, StatusCode = 200 });
        AccountRecord? captured = null;
        _store.Update(returned.Id, account => captured = account);
        var before = Everything();

        foreach (var copy in new[] { inserted, returned, captured!, _store.List()[0], _store.Find("work")! })
        {
            copy.Name = "changed";
            copy.Priority = 99;
            copy.Tokens = null;
            copy.Usage.RequestCount = 1000;
            copy.RequestHistory.Clear();
            copy.RequestHistory.Add(new RequestRecord { TimestampMs = 42 });
        }

        Assert.Equal(before, Everything());
        Assert.True(_store.NameExists("work"));
        Assert.False(_store.NameExists("changed"));
    }

    [Fact]
    public void Reopening_the_file_shows_what_memory_showed()
    {
        var work = _store.Insert(Account("work", "a"));
        var home = _store.Insert(Account("home", "b"));
        var gone = _store.Insert(Account("gone", "c"));
        _store.Update(home.Id, account => { account.Priority = 2; account.CustomEndpoint = "https://gateway.example.test"; });
        _store.ReplaceTokens(work.Id, StoreWriterProgram.TokenSet(3), "key", new ProviderAccount { Uuid = "u-1" });
        _store.CompareAndSetTokens(work.Id, "refresh-3", StoreWriterProgram.TokenSet(4), 44);
        _store.MarkRequiresReauth(home.Id, "refresh-b", "revoked");
        _store.RecordRequest(work.Id, new RequestRecord { TimestampMs = 7, Model = "opus", StatusCode = 429 });
        _store.Delete(gone.Id);
        var inMemory = Everything();

        _store.Dispose();
        _store = AccountStore.Open(_directory, Password);

        Assert.Equal(inMemory, Everything());
        Assert.Equal(2, _store.List().Count);
    }

    [Fact]
    public void A_copy_has_every_property_of_the_original_and_shares_nothing_mutable()
    {
        var original = (AccountRecord)Filled(typeof(AccountRecord), depth: 0);

        var copy = original.Clone();

        Assert.Equal(JsonSerializer.Serialize(original), JsonSerializer.Serialize(copy));
        foreach (var property in typeof(AccountRecord).GetProperties())
        {
            var value = property.GetValue(original);
            var mutable = value is not null && value is not string && value.GetType().IsClass
                && value.GetType().GetProperties().Any(member => member.SetMethod is { } setter && !IsInitOnly(setter));
            if (mutable || value is IList)
            {
                Assert.False(ReferenceEquals(value, property.GetValue(copy)), $"{property.Name} is shared between a copy and the store's record.");
            }
        }
    }

    /// <summary>Every account as JSON, tokens included: what each read path shows.</summary>
    private string Everything() =>
        JsonSerializer.Serialize(_store.List()) + JsonSerializer.Serialize(_store.List().Select(account => _store.Find(account.Id)));

    private static bool IsInitOnly(MethodInfo setter) =>
        setter.ReturnParameter.GetRequiredCustomModifiers().Any(modifier => modifier.FullName == "System.Runtime.CompilerServices.IsExternalInit");

    /// <summary>An instance with every settable property set to a value other than its default, so a copy that drops one shows.</summary>
    private static object Filled(Type type, int depth)
    {
        var instance = Activator.CreateInstance(type)!;
        foreach (var property in type.GetProperties().Where(property => property.SetMethod is not null))
        {
            var kind = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            object value = kind == typeof(string) ? $"{type.Name}.{property.Name}"
                : kind == typeof(int) ? 7
                : kind == typeof(long) ? 7L
                : kind == typeof(bool) ? !(bool)(property.GetValue(instance) ?? false)
                : kind.IsGenericType && kind.GetGenericTypeDefinition() == typeof(List<>)
                    ? FilledList(kind, depth)
                    : Filled(kind, depth + 1);
            property.SetValue(instance, value);
        }

        return instance;
    }

    private static IList FilledList(Type listType, int depth)
    {
        var list = (IList)Activator.CreateInstance(listType)!;
        list.Add(Filled(listType.GetGenericArguments()[0], depth + 1));
        return list;
    }
}
