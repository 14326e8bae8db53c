using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Para.ContainerAuth.Images;

/// <summary>
/// The one home of the names of Para's temporary containers and images (<c>&lt;prefix&gt;auth-tmp-*</c>,
/// <c>&lt;prefix&gt;verify-tmp-*</c>), and of which of them a running job still needs: a name is
/// claimed before its container is created and released once it is removed, so a sweep only ever
/// takes what an interrupted job left behind.
/// </summary>
public sealed class TemporaryContainers(IOptions<ContainerAuthOptions> options)
{
    private readonly ConcurrentDictionary<string, byte> _claimed = new(StringComparer.Ordinal);

    /// <summary>Containers that carry credentials from a source image to its authenticated image.</summary>
    public string AuthPrefix => $"{options.Value.NamePrefix}auth-tmp-";

    /// <summary>Containers (and, for running containers, images) that <c>verify</c> checks in.</summary>
    public string VerifyPrefix => $"{options.Value.NamePrefix}verify-tmp-";

    public bool IsTemporary(string name) =>
        name.StartsWith(AuthPrefix, StringComparison.Ordinal) || name.StartsWith(VerifyPrefix, StringComparison.Ordinal);

    /// <summary>Whether a job still running holds this name (container name or image tag).</summary>
    public bool IsClaimed(string name) => _claimed.ContainsKey(name) || _claimed.ContainsKey(ImageNames.Normalize(name));

    /// <summary>A new <c>auth-tmp-</c> container name, held until the returned claim is disposed.</summary>
    public Claim ClaimAuthContainer() => Hold($"{AuthPrefix}{NewSuffix()}");

    /// <summary>A new <c>verify-tmp-</c> container name, held until the returned claim is disposed.</summary>
    public Claim ClaimVerifyContainer() => Hold($"{VerifyPrefix}{NewSuffix()}");

    /// <summary>A new <c>verify-tmp-…:latest</c> image tag, held until the returned claim is disposed.</summary>
    public Claim ClaimVerifyImage() => Hold($"{VerifyPrefix}{NewSuffix()}:latest");

    private Claim Hold(string name)
    {
        _claimed[name] = 0;
        return new Claim(name, () => _claimed.TryRemove(name, out _));
    }

    private static string NewSuffix() => Guid.NewGuid().ToString("n")[..12];

    /// <summary>A name in use by a running job; dispose it after the container or image is gone.</summary>
    public sealed class Claim(string name, Action release) : IDisposable
    {
        public string Name { get; } = name;

        public void Dispose() => release();
    }
}
