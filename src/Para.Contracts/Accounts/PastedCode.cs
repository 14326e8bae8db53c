namespace Para.Contracts.Accounts;

/// <summary>
/// What the provider's page shows after sign-in: <c>code#state</c>, or a bare code. One parser for
/// the service and every client, so they never disagree on what was pasted.
/// </summary>
public readonly record struct PastedCode(string Code, string? State)
{
    public static PastedCode Parse(string? pasted)
    {
        var text = (pasted ?? "").Trim();
        var hash = text.IndexOf('#', StringComparison.Ordinal);
        return hash < 0
            ? new PastedCode(text, null)
            : new PastedCode(text[..hash].Trim(), text[(hash + 1)..].Trim() is { Length: > 0 } state ? state : null);
    }

    public override string ToString() => "PastedCode { redacted }";
}
