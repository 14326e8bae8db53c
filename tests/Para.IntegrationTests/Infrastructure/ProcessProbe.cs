using System.Diagnostics;

namespace Para.IntegrationTests.Infrastructure;

internal static class ProcessProbe
{
    public static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
