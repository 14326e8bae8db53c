using System.Net;
using System.Net.Http;
using Refit;

namespace Para.Tui.ViewModels;

/// <summary>Turns any failure into one sentence for the status line; never a stack trace.</summary>
public static class ErrorSentence
{
    public static string Describe(Exception exception) => exception switch
    {
        NotSupportedException notYet => FirstLine(notYet.Message) ?? "This operation is not available yet.",
        ApiException api when api.StatusCode == HttpStatusCode.TooManyRequests => "the service asks to wait before trying again",
        ApiException api => $"{api.RequestMessage?.RequestUri?.Host ?? "service"} answered {(int)api.StatusCode}: {ProblemTitle(api) ?? api.ReasonPhrase}",
        HttpRequestException http => $"cannot reach the service: {FirstLine(http.Message)}",
        { InnerException: HttpRequestException http } => $"cannot reach the service: {FirstLine(http.Message)}",
        OperationCanceledException => "the request timed out or was cancelled",
        AggregateException { InnerException: { } inner } => Describe(inner),
        _ => FirstLine(exception.Message) ?? exception.GetType().Name,
    };

    private static string? ProblemTitle(ApiException api)
    {
        // A problem-details body says it best; fall back to the status line.
        if (string.IsNullOrWhiteSpace(api.Content))
        {
            return null;
        }

        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(api.Content);
            foreach (var property in new[] { "detail", "title" })
            {
                if (json.RootElement.TryGetProperty(property, out var value) && value.GetString() is { Length: > 0 } text)
                {
                    return FirstLine(text);
                }
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return FirstLine(api.Content);
    }

    private static string? FirstLine(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Split('\n', 2)[0].Trim();
}
