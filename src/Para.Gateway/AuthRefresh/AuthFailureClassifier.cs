using System.Net;
using Refit;

namespace Para.Gateway.AuthRefresh;

/// <summary>
/// Decides whether a failure means "the credentials no longer work". A status code is the
/// server's own verdict and wins; otherwise the message is read for the seed's patterns, as whole
/// words or codes, so that "author not found" or "copied 401 files" are not taken for one.
/// </summary>
public static class AuthFailureClassifier
{
    // Words that on their own mean an authentication problem (the seed's 'authentication', 'auth',
    // 'unauthorized', 'forbidden', 'apikey', 'credential', plus their usual spellings).
    private static readonly HashSet<string> AuthWords =
    [
        "auth", "authentication", "authenticate", "unauthenticated", "authorization",
        "unauthorized", "unauthorised", "forbidden", "apikey", "credential", "credentials",
    ];

    // The seed's 'x.*y' patterns, narrowed to the words that may stand between x and y.
    private static readonly PhrasePattern[] Phrases =
    [
        new("invalid", ["key", "token", "apikey", "credentials"], ["api", "access", "refresh", "bearer", "oauth", "auth", "x", "id", "session", "authentication"]),
        new("api", ["key"], []),
        new("token", ["expired", "revoked"], ["has", "is", "was", "been", "already", "have"]),
        new("expired", ["token", "session", "credentials"], ["access", "refresh", "oauth", "bearer", "auth"]),
        new("session", ["expired"], ["has", "is", "was", "been"]),
        new("permission", ["denied"], ["is", "was"]),
        new("access", ["denied"], ["is", "was"]),
        new("not", ["authenticated", "authorized"], []),
    ];

    private static readonly HashSet<string> StatusCodes = ["401", "403"];

    // A bare 401 or 403 counts only near a word that makes it a status ("HTTP 401", "error 403").
    private static readonly HashSet<string> StatusContext = ["http", "status", "statuscode", "code", "error", "response"];

    public static bool IsAuthenticationFailure(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return Classify(exception, depth: 0);
    }

    public static bool IsAuthenticationStatus(HttpStatusCode statusCode) =>
        statusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;

    public static bool IsAuthenticationMessage(string? message)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return false;
        }

        var words = Words(message);
        for (var i = 0; i < words.Count; i++)
        {
            if (AuthWords.Contains(words[i])
                || IsStatusCodeInContext(words, i)
                || Array.Exists(Phrases, phrase => phrase.MatchesAt(words, i)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Classify(Exception exception, int depth)
    {
        switch (exception)
        {
            // Cancellation is the caller's decision, and "Access to the path is denied" is the file system.
            case OperationCanceledException or UnauthorizedAccessException:
                return false;
            case ApiException api:
                return IsAuthenticationStatus(api.StatusCode);
            case HttpRequestException { StatusCode: { } status }:
                return IsAuthenticationStatus(status);
            case AggregateException aggregate when depth < 8:
                return aggregate.InnerExceptions.Any(inner => Classify(inner, depth + 1));
        }

        return IsAuthenticationMessage(exception.Message)
            || (exception.InnerException is { } innerException && depth < 8 && Classify(innerException, depth + 1));
    }

    private static bool IsStatusCodeInContext(List<string> words, int index)
    {
        if (!StatusCodes.Contains(words[index]))
        {
            return false;
        }

        for (var j = Math.Max(0, index - 2); j <= Math.Min(words.Count - 1, index + 2); j++)
        {
            if (j != index && StatusContext.Contains(words[j]))
            {
                return true;
            }
        }

        return false;
    }

    // Underscores and hyphens separate words too, so codes such as invalid_api_key or
    // authentication_error are read as the words they are made of.
    private static List<string> Words(string message)
    {
        var words = new List<string>();
        var start = -1;
        for (var i = 0; i <= message.Length; i++)
        {
            var inWord = i < message.Length && char.IsLetterOrDigit(message[i]);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                words.Add(message[start..i].ToLowerInvariant());
                start = -1;
            }
        }

        return words;
    }

    private sealed record PhrasePattern(string First, string[] Last, string[] Between)
    {
        private const int MaxBetween = 2;

        public bool MatchesAt(List<string> words, int index)
        {
            if (words[index] != First)
            {
                return false;
            }

            for (var j = index + 1; j < words.Count && j <= index + 1 + MaxBetween; j++)
            {
                if (Array.IndexOf(Last, words[j]) >= 0)
                {
                    return true;
                }

                if (Array.IndexOf(Between, words[j]) < 0)
                {
                    return false;
                }
            }

            return false;
        }
    }
}
