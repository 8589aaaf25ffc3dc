"""Working hours, services and the clinic's view of bookings (schedule.read / schedule.write);
the insurers' online booking (a booking client's token only)."""

from tests.api.matrix import INSURERS, OFFICE, READERS, Table

ALLOWED: Table = {
    ("GET", "/api/v1/schedule/hours"): READERS,
    ("POST", "/api/v1/schedule/hours"): OFFICE,
    ("GET", "/api/v1/schedule/hours/{hours_id}"): READERS,
    ("PATCH", "/api/v1/schedule/hours/{hours_id}"): OFFICE,
    ("DELETE", "/api/v1/schedule/hours/{hours_id}"): OFFICE,
    ("GET", "/api/v1/schedule/exceptions"): READERS,
    ("POST", "/api/v1/schedule/exceptions"): OFFICE,
    ("DELETE", "/api/v1/schedule/exceptions/{exception_id}"): OFFICE,
    ("GET", "/api/v1/schedule/services"): READERS,
    ("POST", "/api/v1/schedule/services"): OFFICE,
    ("GET", "/api/v1/schedule/services/{ref}"): READERS,
    ("PATCH", "/api/v1/schedule/services/{ref}"): OFFICE,
    ("GET", "/api/v1/schedule/bookings"): READERS,
    ("GET", "/api/v1/booking/practitioners"): INSURERS,
    ("GET", "/api/v1/booking/services"): INSURERS,
    ("GET", "/api/v1/booking/slots"): INSURERS,
    ("POST", "/api/v1/booking/bookings"): INSURERS,
    ("GET", "/api/v1/booking/bookings"): INSURERS,
    ("GET", "/api/v1/booking/bookings/{booking_id}"): INSURERS,
    ("PATCH", "/api/v1/booking/bookings/{booking_id}"): INSURERS,
    ("POST", "/api/v1/booking/bookings/{booking_id}/cancel"): INSURERS,
}
