using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using Para.Client;
using Para.Tui.Services;
using Refit;

namespace Para.Tui.Tests.Services;

public sealed class RefitConsoleDataTests
{
    private static readonly RefitSettings Settings = new(new SystemTextJsonContentSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web)));

    private static T Client<T>(Func<HttpRequestMessage, HttpResponseMessage> answer) =>
        RestService.For<T>(new HttpClient(new Answering(answer)) { BaseAddress = new Uri("http://127.0.0.1:1") }, Settings);

    [Fact]
    public async Task Health_reads_both_documents_and_the_auth_refresh_numbers()
    {
        const string accounts = """
            {"status":"Healthy","timestamp":"2026-11-23T12:00:00Z","checks":{
              "self":{"status":"Healthy","description":null,"data":null},
              "authentication":{"status":"Healthy","description":"all accounts fresh","data":
                {"isAuthenticated":true,"refreshCount":7,"consecutiveFailures":1,"lastRefresh":"2026-11-23T11:58:00Z"}}}}
            """;
        var data = new RefitConsoleData(
            Client<IAccountsApi>(_ => Json(HttpStatusCode.OK, accounts)),
            Client<IContainerAuthApi>(_ => throw new HttpRequestException("Connection refused (127.0.0.1:1)")));

        var health = await data.GetHealthAsync(CancellationToken.None);

        Assert.True(health.Accounts.Reachable);
        Assert.Equal("healthy", health.Accounts.Status);
        Assert.Contains(health.Accounts.Checks, check => check is { Name: "authentication", Description: "all accounts fresh" });
        Assert.Equal(new Para.Tui.ViewModels.AuthRefreshNumbers(true, 7, 1, new DateTimeOffset(2026, 11, 23, 11, 58, 0, TimeSpan.Zero)), health.Authentication);
        Assert.False(health.ContainerAuth.Reachable);
        Assert.Equal("cannot reach the service: Connection refused (127.0.0.1:1)", health.ContainerAuth.Detail);
    }

    [Fact]
    public async Task An_unhealthy_service_that_answers_is_up_but_not_healthy()
    {
        var data = new RefitConsoleData(
            Client<IAccountsApi>(_ => Json(HttpStatusCode.ServiceUnavailable, """{"status":"Unhealthy","timestamp":"2026-11-23T12:00:00Z","checks":{}}""")),
            Client<IContainerAuthApi>(_ => Json(HttpStatusCode.OK, """{"status":"Degraded","timestamp":"2026-11-23T12:00:00Z","checks":{}}""")));

        var health = await data.GetHealthAsync(CancellationToken.None);

        Assert.True(health.Accounts.Reachable, health.Accounts.ToString());
        Assert.StartsWith("503", health.Accounts.Status, StringComparison.Ordinal);
        Assert.Equal("degraded", health.ContainerAuth.Status);
        Assert.Null(health.Authentication);
    }

    [Fact]
    public async Task What_is_not_wired_yet_says_so_in_one_sentence()
    {
        var data = new RefitConsoleData(Client<IAccountsApi>(_ => throw new InvalidOperationException()), Client<IContainerAuthApi>(_ => throw new InvalidOperationException()));

        var error = await Assert.ThrowsAsync<NotSupportedException>(() => data.GetAccountsAsync(CancellationToken.None));

        Assert.Equal("Listing accounts is not wired up in this build yet.", error.Message);
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private sealed class Answering(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = answer(request);
            response.RequestMessage = request;
            return Task.FromResult(response);
        }
    }
}
