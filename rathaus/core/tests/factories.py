import factory

from rathaus.core.models import Employee, Location, Municipality, OrgUnit, Region, Room, User


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"Region {n}")
    slug = factory.Sequence(lambda n: f"region-{n}")


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Gemeinde {n}")
    slug = factory.Sequence(lambda n: f"gemeinde-{n}")
    ags = factory.Sequence(lambda n: f"0599{n:04d}")
    federal_state = "NW"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "test-passwort-123")
    roles = factory.LazyFunction(list)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    municipality = factory.SubFactory(MunicipalityFactory)
    code = factory.Sequence(lambda n: f"OE{n}")
    name = factory.Sequence(lambda n: f"Amt {n}")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Standort {n}")
    street = "Marktplatz 1"
    postal_code = "59999"
    city = "Musterstadt"


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    location = factory.SubFactory(LocationFactory)
    municipality = factory.LazyAttribute(lambda r: r.location.municipality)
    number = factory.Sequence(lambda n: f"1.{n:02d}")
    capacity_normal = 2
    capacity_pandemic = 1


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    org_unit = factory.SubFactory(OrgUnitFactory)
    municipality = factory.LazyAttribute(lambda e: e.org_unit.municipality)
    personnel_number = factory.Sequence(lambda n: f"P{n:05d}")
    first_name = "Erika"
    last_name = factory.Sequence(lambda n: f"Muster{n}")
