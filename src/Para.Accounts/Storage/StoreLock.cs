namespace Para.Accounts.Storage;

/// <summary>
/// The exclusive lock that makes the account API the only process with the database open.
/// An exclusive <c>flock</c> on <c>accounts.db.lock</c> (released by the kernel when the holder dies),
/// and the holder's PID in <c>accounts.db.pid</c>, because a locked file cannot be read on Linux.
/// </summary>
internal sealed class StoreLock : IDisposable
{
    private readonly FileStream _lock;

    private StoreLock(FileStream handle) => _lock = handle;

    public static StoreLock Acquire(string databasePath)
    {
        var lockPath = databasePath + ".lock";
        var pidPath = databasePath + ".pid";
        FileStream handle;
        try
        {
            handle = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new StoreLockedException(databasePath, ReadHolder(pidPath));
        }

        File.WriteAllText(pidPath, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new StoreLock(handle);
    }

    public void Dispose() => _lock.Dispose();

    private static int? ReadHolder(string pidPath)
    {
        try
        {
            return int.TryParse(File.ReadAllText(pidPath).Trim(), out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}

/// <summary>The account database cannot be opened; the message is one line a user can act on.</summary>
internal class AccountStoreOpenException(string message, Exception? innerException = null) : Exception(message, innerException);

internal sealed class StoreLockedException(string databasePath, int? holderPid) : AccountStoreOpenException(
    $"The account database '{databasePath}' is in use by {(holderPid is { } pid ? $"process {pid}" : "another process")}; only one account API may run per data folder.")
{
    public int? HolderPid { get; } = holderPid;
}
