using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Para.Client;
using Para.ContainerAuth.Credentials;
using Para.Contracts.Credentials;
using Refit;

namespace Para.ContainerAuth.Tests.Credentials;

/// <summary>The production source asks the account API for exactly what the option allows.</summary>
public sealed class AccountsCredentialSourceTests
{
    [Theory]
    [InlineData(true, "includeRefreshToken=True")]
    [InlineData(false, "includeRefreshToken=False")]
    public async Task The_refresh_token_option_goes_to_the_account_api(bool include, string expectedQuery)
    {
        using var handler = new RecordingHandler();
        using var client = new HttpClient(handler) { BaseAddress = new Uri("http://accounts.invalid") };
        var source = new AccountsCredentialSource(
            RestService.For<IAccountsApi>(client),
            Options.Create(new ContainerAuthOptions { IncludeRefreshToken = include }));

        var export = await source.GetAsync("alice", CancellationToken.None);

        Assert.Equal("alice", export.AccountName);
        var request = Assert.Single(handler.Requests);
        Assert.Equal("/api/accounts/alice/credentials", request.AbsolutePath);
        Assert.Equal($"?{expectedQuery}", request.Query, ignoreCase: true);
    }

    /// <summary>Answers in memory (no socket): records the address, returns a fixed export.</summary>
    private sealed class RecordingHandler : HttpMessageHandler
    {
        public List<Uri> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request.RequestUri!);
            var export = new CredentialsExport("alice", DateTimeOffset.UnixEpoch, "fp",
                new ClaudeCredentialsFile(new ClaudeAiOauth("access", "", 0, ["user:inference"], "max")),
                new ClaudeAccountDetails(new ClaudeOAuthAccount("uuid", null, null)));
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(export, options: JsonSerializerOptions.Web) });
        }
    }
}
