using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Refit;

namespace Para.Client;

/// <summary>
/// One sentence for any failed call to a Para service, the only reader of problem documents in the
/// clients (the CLI, the console, the AppHost's commands): a problem becomes "title: detail
/// (providerError)", a validation problem its field messages, a 429 what to wait for, a transport
/// failure "cannot reach the service". Never a stack trace, never a response body that is not a problem.
/// </summary>
public static class ServiceErrors
{
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is ApiException { StatusCode: HttpStatusCode.TooManyRequests } tooMany)
        {
            return TooManyRequests(tooMany);
        }

        if (exception is ApiException { Content: { Length: > 0 } content } && ProblemSentence(content) is { } sentence)
        {
            return sentence;
        }

        return exception switch
        {
            ApiException api => $"{api.RequestMessage?.RequestUri?.Host ?? "the service"} answered {(int)api.StatusCode}: {api.ReasonPhrase}",
            HttpRequestException http => $"cannot reach the service: {FirstLine(http.Message)}",
            TimeoutRejectedException => "the service did not answer in time",
            BrokenCircuitException => "the service failed several times in a row; try again in a moment",
            TaskCanceledException or OperationCanceledException => "the request timed out or was cancelled",
            AggregateException { InnerExceptions.Count: 1, InnerException: { } inner } => Describe(inner),
            // Refit wraps transport failures of calls that return a value; the inner exception says what happened.
            { InnerException: HttpRequestException transport } => $"cannot reach the service: {FirstLine(transport.Message)}",
            { InnerException: TimeoutRejectedException } => "the service did not answer in time",
            _ => FirstLine(exception.Message) ?? exception.GetType().Name,
        };
    }

    /// <summary>How long a 429 asks to wait (its Retry-After), or null when it does not say.</summary>
    public static TimeSpan? RetryAfter(ApiException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return RetryAfter(exception.Headers.RetryAfter, DateTimeOffset.UtcNow);
    }

    /// <summary>The sentence a problem document (RFC 7807) carries, or null when the body is not one.</summary>
    public static string? ProblemSentence(string content)
    {
        using var document = TryParse(content);
        if (document?.RootElement is not { ValueKind: JsonValueKind.Object } root)
        {
            return null;
        }

        var title = Text(root, "title");
        var detail = Text(root, "detail");
        if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
        {
            // A validation problem's title is generic; its field messages say what to fix.
            title = null;
            detail = string.Join("; ", errors.EnumerateObject()
                .SelectMany(field => field.Value.ValueKind == JsonValueKind.Array ? field.Value.EnumerateArray() : Enumerable.Empty<JsonElement>())
                .Where(message => message.ValueKind == JsonValueKind.String)
                .Select(message => message.GetString()));
        }

        if (string.IsNullOrWhiteSpace(title) && string.IsNullOrWhiteSpace(detail))
        {
            return null;
        }

        var line = FirstLine(string.Join(": ", new[] { title, detail }.Where(part => !string.IsNullOrWhiteSpace(part))))!;
        return Text(root, "providerError") is { } providerError ? $"{line} ({providerError})" : line;
    }

    /// <summary>
    /// "Refresh cooling down: try again in 12 s": the problem's title (or a plain "wait") and the
    /// Retry-After seconds; the detail is left out, as it only repeats the wait in other words.
    /// </summary>
    private static string TooManyRequests(ApiException exception)
    {
        string? title = null;
        if (exception.Content is { Length: > 0 } content)
        {
            using var document = TryParse(content);
            title = document?.RootElement is { ValueKind: JsonValueKind.Object } root ? Text(root, "title") : null;
        }

        title ??= "The service asks to wait before trying again";
        return RetryAfter(exception) is { } wait
            ? $"{title}: try again in {Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture)} s"
            : title;
    }

    private static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
        _ => null,
    };

    private static JsonDocument? TryParse(string content)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(content);
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
