using Para.Tui.Cli;

namespace Para.Tui.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public async Task Help_lists_the_health_command()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await ParaCommandLine.InvokeAsync(["--help"], output, error);

        Assert.Equal(0, exitCode);
        Assert.Contains("health", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_command_is_a_one_line_error_and_a_non_zero_exit()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await ParaCommandLine.InvokeAsync(["frobnicate"], output, error);

        Assert.NotEqual(0, exitCode);
    }
}
