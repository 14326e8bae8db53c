extern alias gateway;
using System.Net;
using Refit;
using AuthFailureClassifier = gateway::Para.Gateway.AuthRefresh.AuthFailureClassifier;

namespace Para.Gateway.Tests.AuthRefresh;

public sealed class AuthFailureClassifierTests
{
    [Theory]
    [InlineData("Authentication failed")]
    [InlineData("authentication_error: invalid x-api-key")]
    [InlineData("auth required")]
    [InlineData("401 Unauthorized")]
    [InlineData("Request was unauthorised")]
    [InlineData("Invalid API key provided")]
    [InlineData("invalid_api_key")]
    [InlineData("Invalid bearer token")]
    [InlineData("invalid_token")]
    [InlineData("The API key was rejected")]
    [InlineData("OAuth token has expired")]
    [InlineData("token_expired")]
    [InlineData("Your session has expired, please log in")]
    [InlineData("Permission denied")]
    [InlineData("permission_denied: organization disabled")]
    [InlineData("Access is denied")]
    [InlineData("403 Forbidden")]
    [InlineData("HTTP 401")]
    [InlineData("status code 403")]
    [InlineData("Missing apikey header")]
    [InlineData("No credentials found")]
    [InlineData("Expired access token")]
    [InlineData("User is not authenticated")]
    public void Messages_naming_an_authentication_problem_are_authentication_failures(string message) =>
        Assert.True(AuthFailureClassifier.IsAuthenticationFailure(new InvalidOperationException(message)), message);

    [Theory]
    [InlineData("author not found")]
    [InlineData("Authority unreachable")]
    [InlineData("Copied 401 files")]
    [InlineData("Processed 403 rows in 2 s")]
    [InlineData("Listening on port 4010")]
    [InlineData("Invalid value for key 'model'")]
    [InlineData("Invalid JSON at line 3")]
    [InlineData("key not found in dictionary")]
    [InlineData("The token bucket is empty")]
    [InlineData("Session started")]
    [InlineData("Access log rotated")]
    [InlineData("Access to the path '/tmp/x' is denied.")]
    [InlineData("rate_limit_error: too many requests")]
    [InlineData("overloaded_error")]
    [InlineData("Tokenizer expired cache entries")]
    [InlineData("")]
    public void Unrelated_messages_are_not_authentication_failures(string message) =>
        Assert.False(AuthFailureClassifier.IsAuthenticationFailure(new InvalidOperationException(message)), message);

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, true)]
    [InlineData(HttpStatusCode.Forbidden, true)]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.TooManyRequests, false)]
    [InlineData(HttpStatusCode.InternalServerError, false)]
    public void An_http_status_decides_over_the_message(HttpStatusCode status, bool expected)
    {
        // The message says "auth" on purpose: the status is the server's verdict and wins.
        var exception = new HttpRequestException("auth service said no", inner: null, status);

        Assert.Equal(expected, AuthFailureClassifier.IsAuthenticationFailure(exception));
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, true)]
    [InlineData(HttpStatusCode.Forbidden, true)]
    [InlineData(HttpStatusCode.BadGateway, false)]
    public async Task A_refit_api_exception_is_classified_by_its_status(HttpStatusCode status, bool expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/api/accounts");
        using var response = new HttpResponseMessage(status) { RequestMessage = request };
        var exception = await ApiException.Create(request, HttpMethod.Get, response, new RefitSettings());

        Assert.Equal(expected, AuthFailureClassifier.IsAuthenticationFailure(exception));
    }

    [Fact]
    public void An_authentication_failure_wrapped_in_another_exception_is_found()
    {
        var wrapped = new InvalidOperationException("The chat request failed", new HttpRequestException("x", null, HttpStatusCode.Unauthorized));
        var aggregate = new AggregateException(new TimeoutException("slow"), new InvalidOperationException("invalid_grant: token revoked"));

        Assert.True(AuthFailureClassifier.IsAuthenticationFailure(wrapped));
        Assert.True(AuthFailureClassifier.IsAuthenticationFailure(aggregate));
    }

    [Fact]
    public void File_permission_errors_and_cancellation_are_never_authentication_failures()
    {
        Assert.False(AuthFailureClassifier.IsAuthenticationFailure(new UnauthorizedAccessException("Access to the path is denied; authentication n/a")));
        Assert.False(AuthFailureClassifier.IsAuthenticationFailure(new OperationCanceledException("auth call cancelled")));
    }
}
