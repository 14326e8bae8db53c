using System.Security.Cryptography;

namespace Para.ServiceDefaults.Security;

/// <summary>
/// The key every Para client presents as <c>Authorization: Bearer</c>. It lives in
/// <c>&lt;data dir&gt;/admin.key</c> (0600); whoever starts first creates it.
/// </summary>
public static class AdminKey
{
    public const string FileName = "admin.key";

    public static string PathIn(string dataDirectory) => Path.Combine(dataDirectory, FileName);

    public static string LoadOrCreate(string dataDirectory) =>
        SecretFile.ReadOrCreate(PathIn(dataDirectory), () => Base64Url(RandomNumberGenerator.GetBytes(32)));

    /// <summary>Reads the key a running Para created; clients never create it.</summary>
    public static string Load(string dataDirectory)
    {
        var path = PathIn(dataDirectory);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"No admin key at '{path}'. Start Para first (dotnet run --project AppHost) or set PARA_DATA_DIR.");
        }

        return File.ReadAllText(path).Trim();
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
