from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("export.csv", views.case_export, name="export"),
    path("bulk/", views.case_bulk, name="bulk"),
    path("filters/", views.saved_filter_save, name="save_filter"),
    path("filters/<int:filter_id>/delete/", views.saved_filter_delete, name="delete_filter"),
    path("import/", views.import_upload, name="import"),
    path("import/format/", views.intake_format, name="intake_format"),
    path("import/format/case-intake.schema.json", views.intake_schema, name="intake_schema"),
    path("new/", views.case_create, name="create"),
    path("<str:case_number>/", views.case_detail, name="detail"),
    path("<str:case_number>/transition/", views.case_transition, name="transition"),
    path("<str:case_number>/records/add/", views.add_record, name="add_record"),
    path("<str:case_number>/records/complete/", views.records_complete, name="records_complete"),
    path("<str:case_number>/records/<int:record_id>/file/", views.record_file, name="record_file"),
]
