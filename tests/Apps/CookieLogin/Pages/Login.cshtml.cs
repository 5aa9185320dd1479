using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CookieLogin.Pages;

public sealed class LoginModel : PageModel
{
    [BindProperty]
    public string UserName { get; set; } = "";

    [BindProperty]
    public string Password { get; set; } = "";

    public bool Failed { get; private set; }

    public void OnGet()
    {
    }

    // Razor Pages validate the form's antiforgery token before this runs.
    public async Task<IActionResult> OnPostAsync()
    {
        if (UserName.Length == 0 || Password != "open sesame")
        {
            Failed = true;
            return Page();
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, UserName)], CookieAuthenticationDefaults.AuthenticationScheme);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return RedirectToPage("/Secret");
    }
}
