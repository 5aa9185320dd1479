using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateBuilder(args);
// A relative path: the database lives in the directory the app runs in.
var connectionString = builder.Configuration.GetConnectionString("Notes") ?? "Data Source=notes.db";
builder.Services.AddDbContext<NotesDb>(options => options.UseSqlite(connectionString));

var app = builder.Build();

using (var scope = app.Services.CreateScope())
{
    scope.ServiceProvider.GetRequiredService<NotesDb>().Database.EnsureCreated();
}

app.MapPost("/notes", async (NoteInput input, NotesDb db) =>
{
    var note = new Note { Text = input.Text };
    db.Notes.Add(note);
    await db.SaveChangesAsync();
    return Results.Created($"/notes/{note.Id}", note);
});
app.MapGet("/notes/{id:int}", async (int id, NotesDb db) =>
    await db.Notes.FindAsync(id) is { } note ? Results.Ok(note) : Results.NotFound());
app.MapGet("/notes/count", async (NotesDb db) => await db.Notes.CountAsync());

app.Run();

public sealed record NoteInput(string Text);

public sealed class Note
{
    public int Id { get; set; }
    public required string Text { get; set; }
}

public sealed class NotesDb(DbContextOptions<NotesDb> options) : DbContext(options)
{
    public DbSet<Note> Notes => Set<Note>();
}
