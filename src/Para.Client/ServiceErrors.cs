using System.Net.Http;
using System.Text.Json;
using Refit;

namespace Para.Client;

/// <summary>
/// One sentence for any failed call to a Para service: a problem document becomes
/// "title: detail (providerError)", a validation problem its field messages, a transport failure
/// "cannot reach the service". Never a stack trace, never a response body that is not a problem.
/// </summary>
public static class ServiceErrors
{
    public static string Describe(Exception exception)
    {
        if (exception is ApiException { Content: { Length: > 0 } content } && ProblemSentence(content) is { } sentence)
        {
            return sentence;
        }

        return exception switch
        {
            ApiException api => $"{api.RequestMessage?.RequestUri?.Host ?? "the service"} answered {(int)api.StatusCode}: {api.ReasonPhrase}",
            HttpRequestException http => $"cannot reach the service: {FirstLine(http.Message)}",
            TaskCanceledException or OperationCanceledException => "the request timed out or was cancelled",
            // Refit wraps transport failures of calls that return a value; the inner exception says what happened.
            { InnerException: HttpRequestException transport } => $"cannot reach the service: {FirstLine(transport.Message)}",
            _ => FirstLine(exception.Message) ?? exception.GetType().Name,
        };
    }

    /// <summary>The sentence a problem document (RFC 7807) carries, or null when the body is not one.</summary>
    public static string? ProblemSentence(string content)
    {
        try
        {
            using var document = JsonDocument.Parse(content);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var title = Text(root, "title");
            var detail = Text(root, "detail");
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                // A validation problem's title is generic; its field messages say what to fix.
                title = null;
                detail = string.Join("; ", errors.EnumerateObject().SelectMany(field => field.Value.EnumerateArray().Select(message => message.GetString())));
            }

            if (title is null && detail is null)
            {
                return null;
            }

            var line = string.Join(": ", new[] { title, detail }.Where(part => !string.IsNullOrWhiteSpace(part)));
            return Text(root, "providerError") is { } providerError ? $"{line} ({providerError})" : line;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? FirstLine(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Split('\n', 2)[0].Trim();
}
