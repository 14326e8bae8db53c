using System.Globalization;
using Para.Client;
using Para.Contracts.ContainerAuth;

namespace Para.Tui.Cli;

/// <summary>
/// Follows a container-auth job and draws one progress line per step:
/// <c>[########------------]  40%  commit  para-authenticated:latest</c>.
/// </summary>
internal static class JobProgress
{
    private const int BarWidth = 20;

    /// <summary>Returns the finished job; the caller turns a failed one into an exit code.</summary>
    public static async Task<JobInfo> FollowAsync(IContainerAuthApi api, JobInfo started, CliConsole console, CancellationToken cancellationToken)
    {
        console.Out.WriteLine($"job {started.Id}: {started.Kind} {started.Target}");
        return await api.FollowToEndAsync(started, jobEvent => console.Out.WriteLine(Format(jobEvent)), cancellationToken);
    }

    public static string Format(JobEvent jobEvent)
    {
        var filled = (int)Math.Round(jobEvent.Progress * BarWidth);
        var bar = new string('#', filled) + new string('-', BarWidth - filled);
        var percent = (jobEvent.Progress * 100).ToString("0", CultureInfo.InvariantCulture).PadLeft(3);
        return $"[{bar}] {percent}%  {jobEvent.Step,-18} {jobEvent.Message}".TrimEnd();
    }

    /// <summary>0 when the job succeeded, else the one-line error on standard error and exit code 1.</summary>
    public static int ExitCode(JobInfo job, CliConsole console) =>
        job.State == JobStates.Succeeded ? 0 : console.Fail(job.Error ?? $"job {job.Id} {job.State}");
}
