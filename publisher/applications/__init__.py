"""The register of disclosure applications (依申请公开), a Django app of the publisher.

* ``models``: applications, their dated events and their appeals (复议、诉讼);
* ``services``: register, record an event, reply, appeal, and view an
  application's personal data (each with the acting person, into the audit log);
* ``selectors``: summaries without personal data (due soon, overdue, waiting on
  the applicant, by year), the statistics' rows and the kiosk's status lookup;
* ``importer``: an office's existing spreadsheet (CSV or XLSX) into the register;
* ``report``: the annual report's tables from the store, as JSON, HTML and PDF.

The rules (deadlines, vocabulary, counting) are pure and live in
``content.applications``. Applicants' personal data stays in this app's tables:
only :func:`services.application_view` returns it, and records who asked.
"""

__all__: list[str] = []
