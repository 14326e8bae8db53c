var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddProblemDetails();
builder.AddAuthRefresh();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapAuthRefreshApi();

app.Run();

/// <summary>Entry point marker for WebApplicationFactory-based tests.</summary>
public partial class Program;
