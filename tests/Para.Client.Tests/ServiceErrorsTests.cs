using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Para.Contracts.Accounts;
using Refit;

namespace Para.Client.Tests;

/// <summary>The sentence a user reads for each kind of failure, from the Refit client as the CLI and the console use it.</summary>
public sealed class ServiceErrorsTests
{
    private static readonly RefitSettings Settings = new(new SystemTextJsonContentSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web)));

    [Fact]
    public async Task A_problem_is_its_title_and_detail_with_the_providers_error_code()
    {
        const string problem = """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"The OAuth provider refused the code","status":400,
             "detail":"The code is invalid. A code works once; begin again: para accounts reauth work","providerError":"invalid_grant"}
            """;

        var sentence = await SentenceAsync(_ => Answer(HttpStatusCode.BadRequest, problem, "application/problem+json"));

        Assert.Equal("The OAuth provider refused the code: The code is invalid. A code works once; begin again: para accounts reauth work (invalid_grant)", sentence);
    }

    [Fact]
    public async Task A_validation_problem_is_its_field_messages_not_its_generic_title()
    {
        const string problem = """
            {"title":"One or more validation errors occurred.","status":400,
             "errors":{"name":["A name is 1-64 letters, digits, '.', '_' or '-'."],"priority":["Priority is 0 or more."]}}
            """;

        var sentence = await SentenceAsync(_ => Answer(HttpStatusCode.BadRequest, problem, "application/problem+json"));

        Assert.Equal("A name is 1-64 letters, digits, '.', '_' or '-'.; Priority is 0 or more.", sentence);
    }

    [Fact]
    public async Task Too_many_requests_says_how_many_seconds_to_wait()
    {
        var sentence = await SentenceAsync(_ =>
        {
            var response = Answer(HttpStatusCode.TooManyRequests, """{"title":"Refresh cooling down","status":429,"detail":"A refresh ran moments ago; try again in 12 s (after 2026-11-23T12:00:12Z)."}""", "application/problem+json");
            response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(12));
            return response;
        });
        var bare = await SentenceAsync(_ => new HttpResponseMessage(HttpStatusCode.TooManyRequests));

        Assert.Equal("Refresh cooling down: try again in 12 s", sentence);
        Assert.Equal("The service asks to wait before trying again", bare);
    }

    [Fact]
    public async Task A_service_that_cannot_be_reached_says_so_in_one_line()
    {
        var sentence = await SentenceAsync(_ => throw new HttpRequestException("Connection refused (127.0.0.1:1)\n   at Somewhere.Deep()"));

        Assert.Equal("cannot reach the service: Connection refused (127.0.0.1:1)", sentence);
    }

    [Fact]
    public async Task A_body_that_is_not_a_problem_is_never_shown()
    {
        var sentence = await SentenceAsync(_ => Answer(HttpStatusCode.InternalServerError, "<html><body>Stack trace: at Kestrel…</body></html>", "text/html"));

        Assert.Equal("127.0.0.1 answered 500: Internal Server Error", sentence);
    }

    private static async Task<string> SentenceAsync(Func<HttpRequestMessage, HttpResponseMessage> answer)
    {
        using var http = new HttpClient(new Answering(answer)) { BaseAddress = new Uri("http://127.0.0.1:1") };
        var api = RestService.For<IAccountsApi>(http, Settings);
        var exception = await Assert.ThrowsAnyAsync<Exception>(() => api.CompleteOAuthAsync(new CompleteOAuthRequest("state", "code", "work")));
        var sentence = ServiceErrors.Describe(exception);
        Assert.DoesNotContain('\n', sentence);
        return sentence;
    }

    private static HttpResponseMessage Answer(HttpStatusCode status, string body, string mediaType) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };

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
