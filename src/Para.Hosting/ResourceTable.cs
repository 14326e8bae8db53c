using System.Text;

namespace Para.Hosting;

/// <summary>The table the AppHost prints: name, state, URL, health.</summary>
internal static class ResourceTable
{
    public static string Format(IEnumerable<ResourceSnapshot> snapshots)
    {
        var rows = snapshots
            .Select(s => new[] { s.Name, s.State.ToString(), s.Endpoint?.ToString().TrimEnd('/') ?? "-", s.Health.ToString() })
            .Prepend(["NAME", "STATE", "URL", "HEALTH"])
            .ToList();
        var widths = Enumerable.Range(0, 4).Select(column => rows.Max(row => row[column].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.AppendLine(string.Join("  ", row.Select((cell, column) => cell.PadRight(widths[column]))).TrimEnd());
        }

        return text.ToString().TrimEnd();
    }
}
