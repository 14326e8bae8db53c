namespace Para.Contracts;

/// <summary>Resource names, as the AppHost and service discovery know them.</summary>
public static class ServiceNames
{
    public const string Accounts = "accounts";
    public const string ContainerAuth = "container-auth";
    public const string Gateway = "gateway";
    public const string Console = "console";
}
