"""FNSPIM409 release 2 as an admin pastes it, written from the seed's release 1 (fixtures/units/).

Against release 1: criterion 1.2 is reworded, 2.1 removed (so 2.2–2.4 become 2.1–2.3), 3.4 added;
knowledge evidence 2.4 is reworded and a third knowledge evidence item added. The mapping
information says it supersedes release 1 and is equivalent.
"""

FNSPIM409_R2_TEXT = """\
FNSPIM409 - Maintain customer relationship
Release 2
Application
This unit describes the skills and knowledge required to maintain relationships with customers \
in a financial services organisation.
Prerequisite Unit(s)
Nil
Unit Mapping Information
Supersedes and is equivalent to FNSPIM409 Maintain customer relationship, release 1.
Elements and Performance Criteria
1. Maintain records of customer interaction
1.1 Collect and check customer information with existing records
1.2 Keep accurate records of customer interaction up to date and secure
1.3 Maintain records of customer interaction in accordance with organisational procedures and \
relevant legislation
2. Provide ongoing customer service
2.1 Take steps to determine customer satisfaction with service provided
2.2 Resolve problems or refer to relevant personnel as required
2.3 Record areas where problems occur and provide information to management
3. Maintain regular communication with customers
3.1 Determine customer needs based on records and claim information
3.2 Establish effective regular communication with customers
3.3 Ensure level of communication is appropriate to customer requirements
3.4 Seek customer feedback on the communication provided
Performance Evidence
Evidence of the ability to:
use specialist knowledge and skills, and a range of interpersonal skills, to enhance customer relationships
maintain records and documentation relating to customer relationships
consider and adapt to any special needs and diversity of customers, including cultural, language, race, \
religion, ethnic origin, socioeconomic status and demographic needs.
Knowledge Evidence
To complete the unit requirements safely and effectively, the individual must:
describe a range of techniques used to develop customer relationships
describe key features of:
industry and organisation codes of practice, policy and operating procedures
current organisation’s services
databases and computer systems
relevant privacy legislation.
explain how to keep customer information secure
"""
