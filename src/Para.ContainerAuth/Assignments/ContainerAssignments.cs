using System.Text.Json;
using Para.ServiceDefaults.Security;

namespace Para.ContainerAuth.Assignments;

/// <summary>
/// Which account a container was assigned with <c>para containers assign</c>. Docker cannot change
/// a running container's labels, so this is Para's own record: <c>&lt;data&gt;/container-accounts.json</c>
/// (0600, replaced atomically), keyed by container id so a rename keeps it, forgotten once the
/// engine no longer has the container. It names accounts, never tokens.
/// </summary>
public sealed class ContainerAssignments
{
    public const string FileName = "container-accounts.json";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly Lock _gate = new();
    private readonly Lazy<Dictionary<string, ContainerAssignment>> _byId;
    private readonly TimeProvider _timeProvider;

    public ContainerAssignments(IConfiguration configuration, TimeProvider timeProvider)
        : this(Path.Combine(ParaDataDirectory.Resolve(configuration), FileName), timeProvider)
    {
    }

    public ContainerAssignments(string path, TimeProvider timeProvider)
    {
        FilePath = path;
        _timeProvider = timeProvider;
        // Read on first use: a service that never assigns never touches the data folder.
        _byId = new Lazy<Dictionary<string, ContainerAssignment>>(Load);
    }

    public string FilePath { get; }

    /// <summary>The account assigned to the container, or null.</summary>
    public string? AccountOf(string containerId)
    {
        lock (_gate)
        {
            return _byId.Value.TryGetValue(containerId, out var assignment) ? assignment.Account : null;
        }
    }

    public void Assign(string containerId, string containerName, string account)
    {
        lock (_gate)
        {
            _byId.Value[containerId] = new ContainerAssignment(containerId, containerName, account, _timeProvider.GetUtcNow());
            Save();
        }
    }

    /// <summary>False when the container had no assignment.</summary>
    public bool Unassign(string containerId)
    {
        lock (_gate)
        {
            if (!_byId.Value.Remove(containerId))
            {
                return false;
            }

            Save();
            return true;
        }
    }

    /// <summary>Forgets containers the engine no longer has (<paramref name="existing"/>: every container id, running or not).</summary>
    public void Retain(IReadOnlySet<string> existing)
    {
        lock (_gate)
        {
            if (!_byId.IsValueCreated && !File.Exists(FilePath))
            {
                return;
            }

            var gone = _byId.Value.Keys.Where(id => !existing.Contains(id)).ToList();
            if (gone.Count == 0)
            {
                return;
            }

            foreach (var id in gone)
            {
                _byId.Value.Remove(id);
            }

            Save();
        }
    }

    private Dictionary<string, ContainerAssignment> Load()
    {
        if (!File.Exists(FilePath))
        {
            return new Dictionary<string, ContainerAssignment>(StringComparer.Ordinal);
        }

        try
        {
            var document = JsonSerializer.Deserialize<AssignmentsDocument>(File.ReadAllText(FilePath), JsonOptions);
            return (document?.Assignments ?? [])
                .Where(assignment => !string.IsNullOrWhiteSpace(assignment.ContainerId) && !string.IsNullOrWhiteSpace(assignment.Account))
                .ToDictionary(assignment => assignment.ContainerId, StringComparer.Ordinal);
        }
        catch (JsonException exception)
        {
            // Never silently dropped: assigning again would overwrite what the user may want back.
            throw new InvalidOperationException($"{FilePath} is not valid JSON ({exception.Message}); fix or delete it.", exception);
        }
    }

    private void Save()
    {
        var document = new AssignmentsDocument([.. _byId.Value.Values.OrderBy(assignment => assignment.Container, StringComparer.Ordinal)]);
        SecretFile.WriteAtomically(FilePath, JsonSerializer.Serialize(document, JsonOptions));
    }

    private sealed record AssignmentsDocument(IReadOnlyList<ContainerAssignment> Assignments);
}

/// <summary>One assignment; the name is for a person reading the file, the id is what counts.</summary>
public sealed record ContainerAssignment(string ContainerId, string Container, string Account, DateTimeOffset AssignedAt);
