using System.Net.Http;
using Refit;

namespace Para.Tui.Cli;

/// <summary>Turns any failure into the one sentence a user needs, never a stack trace.</summary>
internal static class CliErrors
{
    public static string Describe(Exception exception) => exception switch
    {
        ApiException api => $"{api.RequestMessage?.RequestUri?.Host ?? "service"} answered {(int)api.StatusCode}: {FirstLine(api.Content) ?? api.ReasonPhrase}",
        HttpRequestException http => $"cannot reach the service: {http.Message}",
        TaskCanceledException or OperationCanceledException => "the request timed out or was cancelled",
        _ => FirstLine(exception.Message) ?? exception.GetType().Name,
    };

    private static string? FirstLine(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Split('\n', 2)[0].Trim();
}
