using System.Net.Http;
using Refit;

namespace Para.Tui.Cli;

/// <summary>Turns any failure into the one sentence a user needs, never a stack trace.</summary>
internal static class CliErrors
{
    public static string Describe(Exception exception) => exception switch
    {
        // Refit reads application/problem+json into ProblemDetails: say its title and detail, not the raw JSON.
        ValidationApiException { Content: { } problem } api =>
            $"{api.RequestMessage?.RequestUri?.Host ?? "service"} answered {(int)api.StatusCode}: {Join(problem)}",
        ApiException api => $"{api.RequestMessage?.RequestUri?.Host ?? "service"} answered {(int)api.StatusCode}: {FirstLine(api.Content) ?? api.ReasonPhrase}",
        HttpRequestException http => $"cannot reach the service: {http.Message}",
        TaskCanceledException or OperationCanceledException => "the request timed out or was cancelled",
        _ => FirstLine(exception.Message) ?? exception.GetType().Name,
    };

    private static string Join(ProblemDetails problem)
    {
        var errors = problem.Errors?.SelectMany(error => error.Value.Select(message => $"{error.Key}: {message}")) ?? [];
        var parts = new[] { problem.Title, problem.Detail }.Concat(errors).Where(part => !string.IsNullOrWhiteSpace(part));
        return FirstLine(string.Join(" — ", parts)) ?? "(no detail)";
    }

    private static string? FirstLine(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Split('\n', 2)[0].Trim();
}
