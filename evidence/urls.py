from django.urls import path

from assessor_portal.documents import document_paths

from .views import (
    appeals,
    avetmiss,
    cohorts,
    documents,
    exports,
    marking,
    observations,
    outcomes,
    records,
    results,
    retention,
    student,
)

app_name = "evidence"
urlpatterns = [
    # RTO admins: cohorts, students and enrolments
    path("cohorts/", cohorts.cohort_list, name="cohort_list"),
    path("cohorts/new/", cohorts.cohort_create, name="cohort_create"),
    path("cohorts/<int:pk>/", cohorts.cohort_detail, name="cohort_detail"),
    path("cohorts/<int:pk>/edit/", cohorts.cohort_edit, name="cohort_edit"),
    path("cohorts/<int:pk>/grid/", cohorts.cohort_grid, name="cohort_grid"),
    path("cohorts/<int:pk>/students/add/", cohorts.cohort_student_add, name="cohort_student_add"),
    path("cohorts/<int:pk>/students/import/", cohorts.cohort_students_import, name="cohort_students_import"),
    path(
        "cohorts/<int:pk>/students/import/confirm/",
        cohorts.cohort_students_import_confirm,
        name="cohort_students_import_confirm",
    ),
    path("cohorts/<int:pk>/enrol/", cohorts.cohort_enrol, name="cohort_enrol"),
    # Students: their tasks, evidence and submissions; assessors and admins read them
    path("enrolments/<int:enrolment_pk>/tasks/<int:task_pk>/", student.task_detail, name="task_detail"),
    path(
        "enrolments/<int:enrolment_pk>/tasks/<int:task_pk>/files/",
        student.evidence_upload,
        name="evidence_upload",
    ),
    path(
        "enrolments/<int:enrolment_pk>/tasks/<int:task_pk>/answers/",
        student.evidence_text_add,
        name="evidence_text_add",
    ),
    path(
        "enrolments/<int:enrolment_pk>/tasks/<int:task_pk>/links/",
        student.evidence_link_add,
        name="evidence_link_add",
    ),
    path(
        "enrolments/<int:enrolment_pk>/tasks/<int:task_pk>/submit/",
        student.attempt_submit,
        name="attempt_submit",
    ),
    *document_paths(
        "enrolments/<int:enrolment_pk>/evidence-guide", documents.enrolment_evidence_guide, "evidence_guide"
    ),
    path("evidence/<int:pk>/criteria/", student.evidence_criteria, name="evidence_criteria"),
    path("evidence/<int:pk>/remove/", student.evidence_remove, name="evidence_remove"),
    path("evidence/<int:pk>/download/", student.evidence_download, name="evidence_download"),
    path("attempts/<int:pk>/", student.attempt_review, name="attempt_review"),
    # The unit record: tasks, the signed unit result and the student's acknowledgement
    path("enrolments/<int:pk>/record/", results.enrolment_record, name="enrolment_record"),
    path("enrolments/<int:pk>/result/", results.enrolment_result, name="enrolment_result"),
    path("results/<int:pk>/acknowledge/", results.result_acknowledge, name="result_acknowledge"),
    # Appeals against a unit result: lodged by the student, assigned by an admin, decided by a reviewer
    path("results/<int:pk>/appeal/", appeals.appeal_lodge, name="appeal_lodge"),
    path("appeals/", appeals.appeal_list, name="appeal_list"),
    path("appeals/<int:pk>/", appeals.appeal_detail, name="appeal_detail"),
    path("appeals/<int:pk>/assign/", appeals.appeal_assign, name="appeal_assign"),
    path("appeals/<int:pk>/decide/", appeals.appeal_decide, name="appeal_decide"),
    # Assessors: marking, judgements and signatures
    path("queue/", marking.marking_queue, name="marking_queue"),
    path("attempts/<int:pk>/mark/", marking.attempt_mark, name="attempt_mark"),
    path("attempts/<int:pk>/marks/<int:criterion_pk>/", marking.attempt_mark_save, name="attempt_mark_save"),
    path("attempts/<int:pk>/sign/", marking.attempt_sign, name="attempt_sign"),
    path("attempts/<int:pk>/check/", marking.attempt_check, name="attempt_check"),
    path("attempts/<int:pk>/reopen/", marking.attempt_reopen, name="attempt_reopen"),
    # Observations: started by the assessor, signed by the student afterwards
    path(
        "enrolments/<int:enrolment_pk>/tasks/<int:task_pk>/observe/",
        observations.observation_start,
        name="observation_start",
    ),
    path("attempts/<int:pk>/observed/", observations.observation_sign, name="observation_sign"),
    # The assessment record sheet (archival PDF/A once signed) and its public verify page
    *document_paths(
        "enrolments/<int:pk>/record-sheet", records.enrolment_record_sheet, "enrolment_record_sheet"
    ),
    path("verify/", records.verify_record, name="verify_record"),
    path("verify/<str:code>/", records.verify_record, name="verify_code"),
    # The sector's forms, filled in: each a page and a PDF
    *document_paths("attempts/<int:pk>/checklist", documents.attempt_checklist_form, "attempt_checklist"),
    *document_paths("attempts/<int:pk>/cover-sheet", documents.attempt_cover_sheet, "attempt_cover_sheet"),
    # A cohort's documents in one download, built by the task worker: asked for, followed, downloaded
    path("cohorts/<int:pk>/exports/", exports.cohort_export, name="cohort_export"),
    path("exports/<int:pk>/", exports.export_detail, name="export_detail"),
    path("exports/<int:pk>/download/", exports.export_download, name="export_download"),
    # RTO admins: unit outcomes out to the student management system, and every file sent
    path("outcomes/", outcomes.outcome_exports, name="outcome_exports"),
    path("outcomes/<int:pk>/download/", outcomes.outcome_export_download, name="outcome_export_download"),
    # RTO admins: the AVETMISS 8.0 training activity and subject files for the national collection
    path("outcomes/avetmiss/", avetmiss.avetmiss_export, name="avetmiss_export"),
    path("outcomes/avetmiss/<str:file>/", avetmiss.avetmiss_download, name="avetmiss_download"),
    # RTO admins: the evidence files removed under the retention policy
    path("retention/", retention.retention_report, name="retention_report"),
    path("retention/removed.csv", retention.retention_report_csv, name="retention_report_csv"),
]
