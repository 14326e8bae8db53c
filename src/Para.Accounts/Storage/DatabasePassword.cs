using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Para.ServiceDefaults.Security;

namespace Para.Accounts.Storage;

/// <summary>The database password: <c>PARA_DB_PASSWORD</c>, else <c>&lt;data dir&gt;/db.key</c> (0600, made on first run).</summary>
internal static class DatabasePassword
{
    public const string EnvironmentVariable = "PARA_DB_PASSWORD";
    public const string KeyFileName = "db.key";

    public static string Resolve(IConfiguration configuration, string dataDirectory)
    {
        var configured = configuration[EnvironmentVariable];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        return SecretFile.ReadOrCreate(Path.Combine(dataDirectory, KeyFileName), () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
    }
}
