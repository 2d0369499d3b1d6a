"""The programme's material: a public list and download; the round's project leaders upload, change,
unpublish and delete."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET

from ligepraksis.errors import DomainError
from ligepraksis.forms import add_domain_error
from ligepraksis.paging import page_of
from ligepraksis.uploads import FILE_TYPES, TOO_LARGE, SizeLimitUploadHandler
from progress import permissions
from progress.forms.material import MaterialEditForm, MaterialUploadForm
from progress.models.material import Material, MaterialKind
from progress.selectors import material as selectors
from progress.services import material as services


@require_GET
def material(request):
    """Every published file, for anyone (no login)."""
    kind = request.GET.get("type", "")
    if kind not in MaterialKind.values:
        kind = ""
    page = page_of(request, selectors.published_material(kind=kind))
    return render(
        request, "progress/material.html", {"page": page, "kind": kind, "kinds": MaterialKind.choices}
    )


@require_GET
def material_download(request, pk: int):
    item = get_object_or_404(Material.objects.published(), pk=pk)
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=item.filename,
        content_type=FILE_TYPES[item.file_type].content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


@csrf_exempt
def material_manage(request, round_id: int):
    """The upload stops being read once it passes the limit: the handler must be in place before the
    CSRF check reads the body, so the check is made inside (csrf_protect)."""
    limit = SizeLimitUploadHandler(services.MAX_MATERIAL_BYTES, request)
    request.upload_handlers.insert(0, limit)
    return _material_manage(request, round_id, limit)


@login_required
@csrf_protect
def _material_manage(request, round_id: int, limit):
    round_obj = permissions.get_round_for_material(request.user, round_id)
    form = MaterialUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if limit.too_large:
            form = MaterialUploadForm(request.POST or None)
            form.is_valid()
            form.add_error(None, TOO_LARGE % {"mb": services.MAX_MATERIAL_BYTES // (1024 * 1024)})
        elif form.is_valid():
            d = form.cleaned_data
            try:
                services.material_upload(
                    user=request.user,
                    round_obj=round_obj,
                    upload=d["file"],
                    title=d["title"],
                    kind=d["kind"],
                    description=d["description"],
                    published=d["published"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The file is uploaded."))
                return redirect("progress:material_manage", round_id=round_obj.pk)
        messages.error(request, _("The file was not uploaded; see the form below."))
    page = page_of(
        request,
        selectors.round_material(round_obj),
        path=reverse("progress:material_manage", args=[round_obj.pk]),
    )
    return render(request, "progress/material_manage.html", {"round": round_obj, "form": form, "page": page})


@login_required
def material_edit(request, pk: int):
    item = permissions.get_material_for_leader(request.user, pk)
    if request.method == "POST" and request.POST.get("action") == "delete":
        try:
            services.material_delete(user=request.user, material=item)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("progress:material_edit", pk=item.pk)
        messages.success(request, _("The file is deleted."))
        return redirect("progress:material_manage", round_id=item.round_id)
    initial = {
        "title": item.title,
        "description": item.description,
        "kind": item.kind,
        "published": item.published,
    }
    form = MaterialEditForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.material_update(user=request.user, material=item, **d)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The material is saved."))
                return redirect("progress:material_manage", round_id=item.round_id)
        messages.error(request, _("The material was not saved; see the form below."))
    return render(request, "progress/material_edit.html", {"item": item, "form": form})
