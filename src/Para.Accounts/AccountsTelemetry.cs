using System.Diagnostics;

namespace Para.Accounts;

/// <summary>
/// The account API's spans: one per OAuth completion and per token refresh, tagged with the
/// account (id and name), the outcome and, on failure, the service's own sentence. Never a token.
/// </summary>
internal static class AccountsTelemetry
{
    public const string SourceName = "Para.Accounts";
    public const string AccountIdTag = "para.account.id";
    public const string AccountNameTag = "para.account.name";
    public const string OutcomeTag = "para.outcome";

    public static readonly ActivitySource Source = new(SourceName);

    public static void Succeeded(Activity? activity, string outcome)
    {
        activity?.SetTag(OutcomeTag, outcome);
        activity?.SetStatus(ActivityStatusCode.Ok);
    }

    public static void Failed(Activity? activity, string outcome, string description)
    {
        activity?.SetTag(OutcomeTag, outcome);
        activity?.SetStatus(ActivityStatusCode.Error, description);
    }
}
