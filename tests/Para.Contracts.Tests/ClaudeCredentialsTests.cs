using System.Text.Json;
using Para.Contracts.Credentials;

namespace Para.Contracts.Tests;

public sealed class ClaudeCredentialsTests
{
    private static readonly ClaudeCredentialsFile File = new(new ClaudeAiOauth(
        "sk-ant-oat01-access", "sk-ant-ort01-refresh", 1_790_000_000_000, ["user:inference", "user:profile"], "max"));

    [Fact]
    public void Credentials_serialize_to_exactly_the_shape_claude_code_reads()
    {
        var json = JsonSerializer.Serialize(File);

        Assert.Equal(
            """{"claudeAiOauth":{"accessToken":"sk-ant-oat01-access","refreshToken":"sk-ant-ort01-refresh","expiresAt":1790000000000,"scopes":["user:inference","user:profile"],"subscriptionType":"max"}}""",
            json);
    }

    [Fact]
    public void A_credentials_file_written_by_claude_code_reads_back()
    {
        const string written = """{"claudeAiOauth":{"accessToken":"a","refreshToken":"r","expiresAt":5,"scopes":["s"],"subscriptionType":null}}""";

        var parsed = JsonSerializer.Deserialize<ClaudeCredentialsFile>(written)!;

        Assert.Equal("a", parsed.ClaudeAiOauth.AccessToken);
        Assert.Equal(5, parsed.ClaudeAiOauth.ExpiresAt);
    }

    [Fact]
    public void An_export_printed_by_accident_shows_no_token()
    {
        var export = new CredentialsExport("work", DateTimeOffset.UnixEpoch, "ab12cd", File,
            new ClaudeAccountDetails(new ClaudeOAuthAccount("uuid", "a@example.org", null)));

        var text = export.ToString();

        Assert.DoesNotContain("sk-ant", text, StringComparison.Ordinal);
        Assert.Contains("ab12cd", text, StringComparison.Ordinal);
    }
}
