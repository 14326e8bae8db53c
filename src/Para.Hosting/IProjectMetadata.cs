namespace Para.Hosting;

/// <summary>A project the host can build and start; generated per <c>IsParaResource</c> reference.</summary>
public interface IProjectMetadata
{
    string ProjectPath { get; }
}
