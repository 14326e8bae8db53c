namespace Para.Tui.Cli;

/// <summary>Where the CLI writes: results to standard output, one-line errors to standard error.</summary>
internal sealed class CliConsole(TextWriter output, TextWriter error)
{
    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary>Writes <c>para: message</c> and returns the exit code to use.</summary>
    public int Fail(string message, int exitCode = 1)
    {
        Error.WriteLine($"para: {message}");
        return exitCode;
    }
}
