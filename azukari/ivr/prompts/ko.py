"""한국어 안내 (the Korean catalogue): the same keys as `ja.py`, said by a ko-KR voice.

Polite 합니다/해요 forms (-습니다, -해 주세요) as a Korean ARS line speaks: a key is "눌러 주세요",
not the bare "누르세요"; read by a second reader (docs/languages.md). Keys as Korean phones name
them: 별표 (*), 우물 정자 (#). Numbers to press are said "N번"; an option puts its number first
("1번, …") so no particle has to agree with a facility's or a time's last syllable. The household ID
is 세대 ID, the ward's 世帯ID. Without an ID a caller says the address in Japanese (recognised in
ja-JP, see voice.py), and is told so.
"""
from __future__ import annotations

MESSAGES: dict[str, str] = {
    "welcome": "안녕하세요. 일시보육 예약 전화입니다.",
    "language.self": "한국어는 4번을 누르세요.",
    "keys_help": "직원 연결은 0번, 다시 듣기는 별표, 천천히 듣기는 우물 정자를 언제든지 누르실 수 있습니다.",
    "ask.id_choice": ("세대 ID와 전화 비밀번호가 있으시면 1번, 없으시면 2번을 눌러 주세요. "
                      "2번을 선택하시면 주소를 일본어로 말씀하셔야 합니다."),
    "ask.household_id": "세대 ID를 입력하신 후 우물 정자를 눌러 주세요.",
    "ask.pin": "전화 비밀번호를 입력하신 후 우물 정자를 눌러 주세요.",
    "ask.child_name": "아이의 이름을 성과 함께 말씀해 주세요.",
    "ask.child_name@sms": "아이의 이름을 성과 함께 보내 주세요.",
    "ask.birthdate": "아이의 생년월일 8자리를 연도부터 눌러 주시거나 말씀해 주세요.",
    "ask.birthdate@sms": "아이의 생년월일을 보내 주세요. (예: 2024/5/1)",
    "ask.address": "등록하신 주소를 일본어로 말씀해 주세요. 일본어로 말씀하시기 어려우시면 0번을 눌러 주세요.",
    "ask.address@sms": "등록하신 주소를 일본어로 보내 주세요.",
    "ask.guardian_name": "보호자의 성함을 말씀해 주세요.",
    "ask.guardian_name@sms": "보호자의 성함을 성과 이름 모두 보내 주세요.",
    "ask.menu": "예약은 1번, 예약 취소는 2번, 예약 목록 받기는 3번, 형제자매 예약은 4번을 눌러 주세요.",
    "ask.menu@sms": ("번호를 보내 주세요.\n1 예약하기\n2 예약 취소 (\"취소 예약번호\"도 가능)\n"
                     "3 예약 목록을 등록된 번호로 문자 받기\n4 형제자매 예약\n0 직원 연락 요청"),
    "menu_again@sms": "다음에 원하시는 번호를 보내 주세요. (목록은 \"메뉴\")",
    "ask.date": "원하시는 날짜를 월과 일 4자리로 눌러 주시거나 말씀해 주세요.",
    "ask.date@sms": "원하시는 날짜를 보내 주세요. (예: 12/3, 내일, 다음 주 수요일)",
    "day_heading": "{date}.",
    "day_heading@sms": "{date} 예약 가능:",
    "facility_group": "",
    "unit_heading": "{facility}.",
    "choice.facility": "{label}",
    "choice.unit": "{label}",
    "choice.option": "{facility} {starts}-{ends}",
    "press": "{number}번, {label}.",
    "ask.facility": "예약 가능한 센터입니다.",
    "ask.unit": "예약 가능한 시간입니다.",
    "ask.options": "원하시는 번호를 보내 주세요.",
    "confirm_summary": "{date}, {time}, {facility}, 요금은 {fee}입니다.",
    "ask.confirm": "예약하시려면 1번, 다시 선택하시려면 2번을 눌러 주세요.",
    "ask.confirm@sms": "이 내용으로 예약하시려면 \"네\", 다시 선택하시려면 \"아니요\"를 보내 주세요.",
    "booked": "예약이 완료되었습니다. 자세한 내용은 등록된 번호로 문자를 보내 드리겠습니다.",
    "ask.next": "계속 예약하시려면 1번, 형제자매 예약은 4번, 마치시려면 9번을 눌러 주세요.",
    "ask.next@sms": "계속 예약하시려면 1, 마치시려면 9를 보내 주세요.",
    "choose_again": "알겠습니다.",
    "cannot_book": ("죄송합니다. 이 시간은 예약할 수 없습니다. 다른 날짜를 선택하시거나 0번을 눌러 직원과 "
                    "상담해 주세요. 직원 상담 시간은 {hours}입니다."),
    "cannot_book@sms": ("죄송합니다. 이 시간은 예약할 수 없습니다. 다른 날짜를 선택하시거나 0을 보내 주시면 "
                        "직원이 연락드립니다."),
    "refusal.closed": "죄송합니다. 그날은 휴무일입니다.",
    "refusal.full": "죄송합니다. 그날은 빈자리가 없습니다.",
    "refusal.expired_registration": ("죄송합니다. 그날은 등록 유효 기간이 지난 날짜입니다. "
                                     "등록 갱신은 각 센터 창구에서 하실 수 있습니다."),
    # The waiting list (contract §7): 대기 신청, as Korean booking services say it.
    "choice.wait": "마감된 시간 대기 신청",
    "refusal.full_wait": "죄송합니다. 그날은 자리가 모두 찼습니다. 대기 신청은 하실 수 있습니다.",
    "waitlist_heading": "다음 시간은 자리가 찼지만 대기 신청을 하실 수 있습니다.",
    "choice.full": "{facility}, {time}",
    "choice.full_option": "{facility} {starts}-{ends} 대기",
    "ask.waitlist": "대기 신청하실 시간의 번호를 눌러 주세요. 다른 날짜는 9번입니다.",
    "waitlist_summary": "{date}, {time}, {facility} 대기 신청입니다.",
    "ask.waitlist_confirm": "대기 신청하시려면 1번, 다시 선택하시려면 2번을 눌러 주세요.",
    "ask.waitlist_confirm@sms": "대기 신청하시려면 \"네\", 다시 선택하시려면 \"아니요\"를 보내 주세요.",
    "waiting_taken": ("대기 신청이 접수되었습니다. 자리가 나면 등록된 번호로 알려 드립니다. "
                      "이 전화의 메뉴에서 5번, 이어서 안내받은 코드를 누르시면 예약이 완료됩니다."),
    "ask.cancel_ref": "취소하실 예약번호를 입력하신 후 우물 정자를 눌러 주세요. 예약번호는 예약 확인 문자에 있습니다.",
    "ask.cancel_ref@sms": "취소하실 예약의 예약번호를 보내 주세요.",
    "ask.cancel_confirm": "취소하시려면 1번, 취소하지 않으시려면 2번을 눌러 주세요.",
    "ask.cancel_confirm@sms": "취소하시려면 \"네\", 취소하지 않으시려면 \"아니요\"를 보내 주세요.",
    "cancel_requested": "접수되었습니다. 결과는 등록된 번호로 문자로 알려 드립니다.",
    "cancel_kept": "예약을 취소하지 않았습니다.",
    "bookings_sent": "예약 목록을 등록된 번호로 문자로 보내 드렸습니다.",
    "verified": "확인되었습니다.",
    "failed_goodbye@sms": "직원 상담 시간은 {hours}입니다. 가까운 센터 창구에서도 상담하실 수 있습니다.",
    "transfer": "직원에게 연결해 드리겠습니다. 잠시만 기다려 주세요.",
    "callback": "지금은 직원 연결이 어렵습니다. 직원이 다시 연락드리겠습니다. 직원 상담 시간은 {hours}입니다.",
    "callback@sms": "접수되었습니다. 직원이 다시 연락드리겠습니다. 직원 상담 시간은 {hours}입니다.",
    "trouble": "답변을 확인하지 못했습니다.",
    "transfer_unanswered": "죄송합니다. 지금은 직원이 전화를 받을 수 없습니다. 담당 직원이 다시 연락드리겠습니다.",
    "whisper": "일시보육 예약 전화에서 돌려 드리는 전화입니다. 연결하시려면 1번을 눌러 주세요.",
    "no_input": "입력이 확인되지 않았습니다.",
    "invalid": "죄송합니다. 올바른 입력이 아닙니다.",
    "invalid_birthdate": "죄송합니다. 생년월일을 인식하지 못했습니다.",
    "invalid_date": "죄송합니다. 날짜를 인식하지 못했습니다.",
    "invalid_booking_number": "죄송합니다. 예약번호는 6자리에서 8자리 숫자입니다.",
    "too_many_tries": "죄송합니다. 통화를 종료하겠습니다.",
    "goodbye": "전화해 주셔서 감사합니다.",
    "goodbye@sms": "이용해 주셔서 감사합니다.",
    "sms_welcome": "일시보육 예약을 문자로 접수합니다. 마치시려면 \"종료\", 직원 연결은 \"직원\"을 보내 주세요.",
    "sms_ended": "종료되었습니다. 이용해 주셔서 감사합니다.",
    "busy.offer": "지금은 통화량이 많아 연결이 어렵습니다. 직원의 회신 전화를 원하시면 1번을 눌러 주세요.",
    "busy.callback_taken": "알겠습니다. 직원이 이 번호로 다시 전화드리겠습니다. 안녕히 계세요.",
    "busy.no_number": "발신 번호가 표시되지 않아 회신 전화를 드릴 수 없습니다. 잠시 후 다시 걸어 주세요.",
    "busy.goodbye": "잠시 후 다시 걸어 주세요. 안녕히 계세요.",
    "sibling_which": "형제자매 예약입니다.",
    "sibling_chosen": "해당 아이의 예약을 진행하겠습니다.",
    "no_sibling": "죄송합니다. 입력하신 생년월일의 아이는 이 세대에 등록되어 있지 않습니다.",
    "ask.offer_code": "빈자리 안내에 있는 4자리 코드를 눌러 주세요.",
    "staff_hours": ("지금은 직원 연결이 어렵습니다. 직원 상담 시간은 {hours}입니다. "
                    "그 시간에 다시 전화하셔서 0번을 눌러 주세요."),
    # 자녀가 한 명인 세대에는 형제자매 선택을 말하지 않습니다. 취소나 목록 뒤의 메뉴에서는 9번으로 끝납니다.
    "ask.menu_one": "예약은 1번, 예약 취소는 2번, 예약 목록 받기는 3번을 눌러 주세요.",
    "ask.menu_end": ("예약은 1번, 예약 취소는 2번, 예약 목록 받기는 3번, 형제자매 예약은 4번, "
                     "마치시려면 9번을 눌러 주세요."),
    "ask.menu_one_end": "예약은 1번, 예약 취소는 2번, 예약 목록 받기는 3번, 마치시려면 9번을 눌러 주세요.",
    "ask.next_one": "계속 예약하시려면 1번, 마치시려면 9번을 눌러 주세요.",
    # 등록된 번호가 문자를 받을 수 없는 세대에는 전화로 알려 드립니다.
    "booked_call": "예약이 완료되었습니다. 자세한 내용은 등록된 번호로 전화를 드려 알려 드리겠습니다.",
    "cancel_requested_call": "접수되었습니다. 결과는 등록된 번호로 전화를 드려 알려 드립니다.",
    "bookings_sent_call": "예약 목록은 등록된 번호로 전화를 드려 알려 드립니다.",
    "ask.cancel_ref_call": ("취소하실 예약번호를 입력하신 후 우물 정자를 눌러 주세요. "
                            "예약번호는 예약 확인 전화로 알려 드렸습니다."),
    "ask.facility_grouped": "예약 가능한 센터입니다.",
    # The SMS menu of a household with one child: no siblings line (as `ask.menu_one` on a call).
    "ask.menu_one@sms": ("번호를 보내 주세요.\n1 예약하기\n2 예약 취소 (\"취소 예약번호\"도 가능)\n"
                         "3 예약 목록을 등록된 번호로 문자 받기\n0 직원 연락 요청"),
}
