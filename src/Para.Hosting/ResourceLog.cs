namespace Para.Hosting;

/// <summary>
/// Keeps a resource's recent log lines in memory and all of them in <c>&lt;data&gt;/logs/NAME.log</c>,
/// and hands each line to whoever is watching (the headless console, a test).
/// </summary>
public sealed class ResourceLog : IDisposable
{
    private const int Capacity = 2000;
    private readonly Queue<string> _recent = new();
    private readonly Lock _gate = new();
    private readonly StreamWriter _file;

    internal ResourceLog(string resourceName, string logDirectory)
    {
        ResourceName = resourceName;
        Directory.CreateDirectory(logDirectory);
        FilePath = Path.Combine(logDirectory, resourceName + ".log");
        _file = new StreamWriter(new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    }

    public string ResourceName { get; }

    public string FilePath { get; }

    public event Action<string, string>? LineWritten;

    public IReadOnlyList<string> Recent
    {
        get
        {
            lock (_gate)
            {
                return [.. _recent];
            }
        }
    }

    internal void Write(string line)
    {
        lock (_gate)
        {
            _recent.Enqueue(line);
            while (_recent.Count > Capacity)
            {
                _recent.Dequeue();
            }

            _file.WriteLine(line);
        }

        LineWritten?.Invoke(ResourceName, line);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _file.Dispose();
        }
    }
}
