using System.Globalization;
using Para.Client;

namespace Para.Tui.ViewModels;

public enum HistoryPhase
{
    Loading,
    Loaded,
    Failed,
}

/// <summary>
/// The details dialog's request history: loading until the account API answers, then the
/// requests newest first, or the one sentence saying why they could not be read. The load only
/// calls the data seam and may run on any thread; the other members change state on the UI thread.
/// </summary>
public sealed class AccountDetailsViewModel(IParaConsoleData data, AccountRow account)
{
    /// <summary>More than a tall screen shows: the dialog clips at the bottom, so the oldest go first.</summary>
    public const int HistoryLimit = 30;

    public AccountRow Account { get; } = account;

    public HistoryPhase Phase { get; private set; } = HistoryPhase.Loading;

    /// <summary>Newest first, as the account API lists them.</summary>
    public IReadOnlyList<RequestRow> Requests { get; private set; } = [];

    public string? Error { get; private set; }

    public ConsoleWork LoadHistory() => async cancellationToken =>
    {
        try
        {
            var requests = await data.GetAccountRequestsAsync(Account.Name, HistoryLimit, cancellationToken).ConfigureAwait(false);
            return () => Loaded(requests);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            var sentence = ServiceErrors.Describe(exception);
            return () => Failed(sentence);
        }
    };

    public void Loaded(IReadOnlyList<RequestRow> requests)
    {
        Requests = requests;
        Error = null;
        Phase = HistoryPhase.Loaded;
    }

    public void Failed(string sentence)
    {
        Error = sentence.ReplaceLineEndings(" ").Trim();
        Phase = HistoryPhase.Failed;
    }

    /// <summary>
    /// The lines under "Recent requests:": a word while loading or when there are none, the reason
    /// on failure, else a header and one aligned line per request. Columns are as wide as their
    /// widest cell; when that is more than <paramref name="width"/>, the model, the path and the
    /// key give up their ends (…), then the gaps narrow, so every column keeps a place on 80 columns.
    /// </summary>
    public IReadOnlyList<string> HistoryLines(DateTimeOffset now, int width)
    {
        switch (Phase)
        {
            case HistoryPhase.Loading:
                return ["loading…"];
            case HistoryPhase.Failed:
                return [$"could not load them: {Error}"];
            case HistoryPhase.Loaded when Requests.Count == 0:
                return ["none recorded"];
        }

        var columns = new List<Column>
        {
            new("Time", request => When(request.At, now)),
            new("St", request => request.Status.ToString(CultureInfo.InvariantCulture)),
            new("", request => request.Retried ? "retried" : ""),
            new("Path", What, Narrowest: 12),
            new("Model", request => Model(request.Model), Narrowest: 10),
            new("In/out", request => $"{Tokens(request.InputTokens)}/{Tokens(request.OutputTokens)}", Right: true),
            new("Latency", request => Latency(request.LatencyMs), Right: true),
            new("Key", request => request.ClientKey ?? "-", Narrowest: 6),
        };
        if (!Requests.Any(request => request.Retried))
        {
            // An empty column would only take room from the path and the model.
            columns.RemoveAt(2);
        }

        var cells = Requests.Select(request => columns.Select(column => column.Cell(request)).ToArray()).ToList();
        var natural = columns.Select((column, index) => cells.Select(row => row[index].Length).Append(column.Header.Length).Max()).ToArray();
        // Two spaces between columns when that fits, else one; narrower still, the lines are cut at the edge.
        var (widths, gap) = Fit(columns, natural, width, "  ") is { Fits: true } wide ? (wide.Widths, "  ") : (Fit(columns, natural, width, " ").Widths, " ");
        string Line(IReadOnlyList<string> row) => string.Join(gap, row.Select((cell, index) =>
        {
            var text = Cut(cell, widths[index]);
            return columns[index].Right ? text.PadLeft(widths[index]) : text.PadRight(widths[index]);
        })).TrimEnd();
        return [Line([.. columns.Select(column => column.Header)]), .. cells.Select(Line)];
    }

    /// <summary>The widths within <paramref name="width"/>, narrowing the model (its date goes first), then the path, then the key; whether that was enough.</summary>
    private static (int[] Widths, bool Fits) Fit(List<Column> columns, int[] natural, int width, string gap)
    {
        var widths = (int[])natural.Clone();
        var over = widths.Sum() + (gap.Length * (columns.Count - 1)) - width;
        foreach (var index in new[] { "Model", "Path", "Key" }.Select(header => columns.FindIndex(column => column.Header == header)))
        {
            var give = Math.Clamp(over, 0, Math.Max(0, widths[index] - columns[index].Narrowest));
            widths[index] -= give;
            over -= give;
        }

        return (widths, over <= 0);
    }

    /// <summary>The clock time for a request of today, the date too for an older one.</summary>
    internal static string When(DateTimeOffset at, DateTimeOffset now)
    {
        var local = at.ToLocalTime();
        return local.Date == now.ToLocalTime().Date
            ? local.ToString("HH:mm:ss", CultureInfo.InvariantCulture)
            : local.ToString("MM-dd HH:mm", CultureInfo.InvariantCulture);
    }

    // Nearly every request is a POST; the method shows only when it is something else.
    private static string What(RequestRow request) =>
        request.Method is null || string.Equals(request.Method, "POST", StringComparison.OrdinalIgnoreCase)
            ? request.Path ?? "-"
            : $"{request.Method} {request.Path}";

    // Every model behind the gateway is a Claude model; without the prefix the version fits.
    private static string Model(string? model) =>
        model is null ? "-" : model.StartsWith("claude-", StringComparison.Ordinal) ? model["claude-".Length..] : model;

    /// <summary><c>845</c>, <c>12.0k</c>, <c>150k</c>, or <c>-</c> when the answer did not say.</summary>
    internal static string Tokens(long? tokens) => tokens switch
    {
        null => "-",
        < 10_000 => tokens.Value.ToString(CultureInfo.InvariantCulture),
        < 100_000 => string.Create(CultureInfo.InvariantCulture, $"{tokens.Value / 1000.0:0.0}k"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{tokens.Value / 1000}k"),
    };

    /// <summary><c>95ms</c>, <c>1.8s</c>, <c>42s</c>, or <c>-</c>.</summary>
    internal static string Latency(long? milliseconds) => milliseconds switch
    {
        null => "-",
        < 1000 => string.Create(CultureInfo.InvariantCulture, $"{milliseconds.Value}ms"),
        < 10_000 => string.Create(CultureInfo.InvariantCulture, $"{milliseconds.Value / 1000.0:0.0}s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{milliseconds.Value / 1000}s"),
    };

    /// <param name="Narrowest">How far a long column may shrink to fit the width; 0 for the columns that never do.</param>
    private sealed record Column(string Header, Func<RequestRow, string> Cell, bool Right = false, int Narrowest = 0);

    private static string Cut(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";
}
