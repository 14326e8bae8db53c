using System.Globalization;

namespace Para.ContainerAuth.Credentials;

/// <summary>Whose home the credentials go into: the image user's, from its config and /etc/passwd.</summary>
public sealed record CredentialHome(string Home, int Uid, int Gid)
{
    public string CredentialsPath => $"{Home.TrimEnd('/')}/.claude/.credentials.json";

    public string AccountDetailsPath => $"{Home.TrimEnd('/')}/.claude.json";

    /// <summary>
    /// User comes from the image config (<c>para</c>, <c>1000</c>, <c>1000:1000</c>, empty = root),
    /// looked up in the image's /etc/passwd; <c>HOME</c> in the image's Env wins over passwd, and
    /// an explicit override wins over both.
    /// </summary>
    public static CredentialHome Resolve(string? user, IReadOnlyList<string> env, string? passwd, string? homeOverride)
    {
        var (userPart, groupPart) = SplitUser(user);
        var entries = ParsePasswd(passwd);
        var entry = int.TryParse(userPart, NumberStyles.None, CultureInfo.InvariantCulture, out var numeric)
            ? entries.FirstOrDefault(e => e.Uid == numeric) ?? new PasswdEntry(userPart, numeric, numeric, numeric == 0 ? "/root" : "/")
            : entries.FirstOrDefault(e => e.Name == userPart)
              ?? (userPart == "root" ? new PasswdEntry("root", 0, 0, "/root")
                  : throw new InvalidOperationException($"The image user '{userPart}' is not in the image's /etc/passwd."));

        var gid = groupPart is null ? entry.Gid
            : int.TryParse(groupPart, NumberStyles.None, CultureInfo.InvariantCulture, out var numericGroup) ? numericGroup
            : entry.Gid;
        var envHome = env.Select(variable => variable.Split('=', 2))
            .Where(parts => parts.Length == 2 && parts[0] == "HOME" && parts[1].StartsWith('/'))
            .Select(parts => parts[1])
            .LastOrDefault();
        var home = !string.IsNullOrWhiteSpace(homeOverride) ? homeOverride : envHome ?? entry.Home;
        return new CredentialHome(home, entry.Uid, gid);
    }

    private static (string User, string? Group) SplitUser(string? user)
    {
        if (string.IsNullOrWhiteSpace(user))
        {
            return ("root", null);
        }

        var parts = user.Split(':', 2);
        return (parts[0], parts.Length == 2 ? parts[1] : null);
    }

    private static List<PasswdEntry> ParsePasswd(string? passwd)
    {
        var entries = new List<PasswdEntry>();
        foreach (var line in (passwd ?? string.Empty).Split('\n'))
        {
            var fields = line.Trim().Split(':');
            if (fields.Length >= 6
                && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
                && int.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
            {
                entries.Add(new PasswdEntry(fields[0], uid, gid, fields[5]));
            }
        }

        return entries;
    }

    private sealed record PasswdEntry(string Name, int Uid, int Gid, string Home);
}
