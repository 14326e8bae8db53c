using Para.ServiceDefaults.Security;

namespace Para.ServiceDefaults.Tests;

public sealed class SecretFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("para-secret-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Admin_key_is_created_once_owner_only_and_read_back_unchanged()
    {
        var first = AdminKey.LoadOrCreate(_directory);
        var second = AdminKey.LoadOrCreate(_directory);

        Assert.Equal(first, second);
        Assert.True(first.Length >= 40);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(SecretFile.OwnerOnly, File.GetUnixFileMode(AdminKey.PathIn(_directory)));
        }
    }

    [Fact]
    public async Task Processes_racing_to_create_the_key_all_agree_on_one_value()
    {
        var keys = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => AdminKey.LoadOrCreate(_directory))));

        Assert.Single(keys.Distinct());
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [Fact]
    public void Atomic_write_replaces_the_whole_content_and_keeps_it_private()
    {
        var path = Path.Combine(_directory, "token.json");
        SecretFile.WriteAtomically(path, "old");

        SecretFile.WriteAtomically(path, "new");

        Assert.Equal("new", File.ReadAllText(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(SecretFile.OwnerOnly, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void A_client_without_a_running_para_gets_a_clear_message_instead_of_a_new_key()
    {
        var error = Assert.Throws<InvalidOperationException>(() => AdminKey.Load(_directory));

        Assert.Contains("dotnet run --project AppHost", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(AdminKey.PathIn(_directory)));
    }
}
